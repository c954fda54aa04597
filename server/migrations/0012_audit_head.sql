-- The audit chain is keyed with the server secret from here on, and its head is kept.
--
-- `keyed` tells how a row's hash is made: 0 is the plain SHA-256 of 0006 (every row
-- written before this migration), 1 is an HMAC under a key derived from the server
-- secret, which lives outside the database. Keyed rows only ever follow unkeyed ones,
-- and the first keyed row links to the last unkeyed one. Adding a column with a constant
-- default rewrites no row, so this is instant on a large log and fires no trigger.
ALTER TABLE audit_events ADD COLUMN keyed INTEGER NOT NULL DEFAULT 0;

-- The chain's head: how many rows it has, the last row's id and hash, and an HMAC over
-- those under the server secret. Every append updates it in the same transaction, so
-- rows removed from the end (which no link can show) leave the head pointing past them.
-- `mac` is NULL only until the server's first append after this migration seals it.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    rows BIGINT NOT NULL,
    last_id BIGINT NOT NULL,
    last_hash TEXT NOT NULL,
    mac TEXT
);

INSERT INTO audit_head (id, rows, last_id, last_hash, mac)
SELECT 1, COUNT(*), COALESCE(MAX(id), 0),
       COALESCE((SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1),
                '0000000000000000000000000000000000000000000000000000000000000000'),
       NULL
FROM audit_events;

-- The head is updated, never removed (the application upserts it).
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN
    SELECT RAISE(ABORT, 'audit_head is never removed');
END;
