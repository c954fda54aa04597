-- The reset wizard. Its state lives here, bound to a random id whose SHA-256 is the key,
-- so back, refresh and a second tab all see the same step and no step can be skipped.
-- A wizard for an unknown, disabled or out-of-scope name has no user: a decoy that walks
-- the same screens and never verifies.

CREATE TABLE reset_wizards (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
    -- A keyed hash of the account (or of the typed name, for decoys): wizards per name
    -- and day are counted on it, the same way whether or not the account exists.
    name_key TEXT NOT NULL,
    -- For decoys only: the first letter typed, so the decoy email hint starts like a real one.
    decoy_initial TEXT NOT NULL DEFAULT '',
    gates_required INTEGER NOT NULL,
    -- Methods whose gate was passed, comma-separated, in order.
    gates_passed TEXT NOT NULL DEFAULT '',
    -- The method chosen for the current gate, and what it asked.
    method TEXT,
    question_ids TEXT NOT NULL DEFAULT '',
    code_expires_at BIGINT,
    -- Wrong answers to the current challenge (decoys count here; real codes also count
    -- on their own row) and in the whole wizard.
    attempts INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    -- Codes sent by this wizard, for the hourly sending cap per name.
    sends INTEGER NOT NULL DEFAULT 0,
    language TEXT NOT NULL DEFAULT 'en',
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    finished_at BIGINT,
    -- reset, unlocked, cancelled, failed or revoked.
    outcome TEXT
);

CREATE INDEX reset_wizards_name ON reset_wizards (name_key, created_at);
CREATE INDEX reset_wizards_user ON reset_wizards (user_id);

-- Users may type their email address instead of their username.
CREATE INDEX users_email_nocase ON users (email COLLATE NOCASE);
