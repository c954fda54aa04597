-- Password history as keyed fingerprints: HMAC-SHA256, under a key derived from the
-- server secret (kept outside the database), of the user id and the NFKC password. Not
-- argon2: a completed reset may cost one argon2 hash, not one per remembered password.
-- The latest 24 (the most a policy may ask for) are kept per user; the policy's depth
-- decides how many are compared. Portable types, unix-second timestamps.

CREATE TABLE password_fingerprints (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- 64 hex digits.
    fingerprint TEXT NOT NULL,
    set_at BIGINT NOT NULL
);

CREATE INDEX password_fingerprints_user ON password_fingerprints (user_id, id);

-- 0001's history kept an argon2 hash of every password ever set, and nothing read it.
-- The fingerprints replace it, and old hashes are only something to crack, so they go;
-- the empty table stays until nothing refers to it.
DELETE FROM password_history;
