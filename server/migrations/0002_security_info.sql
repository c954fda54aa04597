-- Security info: the methods users register to prove who they are, the one-time codes
-- that prove an email address or phone works, and the registration policy.
-- Codes, answers and recovery codes are stored only as hashes. TOTP secrets cannot be
-- hashed (the server must compute codes from them), so they are the one exception.

-- The language messages to this user are written in, and the registration clock.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
ALTER TABLE users ADD COLUMN security_info_confirmed_at BIGINT;
ALTER TABLE users ADD COLUMN registration_postponements INTEGER NOT NULL DEFAULT 0;

-- When the password was last typed in this session (changes to security info need a
-- recent one), and whether registration was postponed for this session.
ALTER TABLE sessions ADD COLUMN authenticated_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN registration_postponed BOOLEAN NOT NULL DEFAULT FALSE;

-- Proven contact methods and the authenticator app: one of each kind per user.
CREATE TABLE auth_methods (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('email', 'phone', 'authenticator')),
    -- The address, the E.164 number, or the base32 TOTP secret.
    value TEXT NOT NULL,
    -- The last TOTP time step accepted, so no authenticator code works twice.
    last_used_step BIGINT,
    registered_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- An authenticator set-up waiting for its first code.
CREATE TABLE authenticator_enrolments (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- The question bank. Built-in questions come in English and Greek; admins add custom ones.
CREATE TABLE security_questions (
    id INTEGER PRIMARY KEY,
    text_en TEXT NOT NULL,
    text_el TEXT NOT NULL,
    builtin BOOLEAN NOT NULL DEFAULT FALSE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL
);

INSERT INTO security_questions (text_en, text_el, builtin, created_at) VALUES
    ('In what city were you born?', 'Σε ποια πόλη γεννηθήκατε;', TRUE, 0),
    ('What was the name of your first pet?', 'Ποιο ήταν το όνομα του πρώτου σας κατοικίδιου;', TRUE, 0),
    ('What was the name of your first school?', 'Ποιο ήταν το όνομα του πρώτου σας σχολείου;', TRUE, 0),
    ('What is your oldest cousin''s first name?', 'Ποιο είναι το μικρό όνομα του μεγαλύτερου ξαδέρφου σας;', TRUE, 0),
    ('In what city did your parents meet?', 'Σε ποια πόλη γνωρίστηκαν οι γονείς σας;', TRUE, 0),
    ('What was the make of your first car?', 'Ποια ήταν η μάρκα του πρώτου σας αυτοκινήτου;', TRUE, 0),
    ('What was your childhood nickname?', 'Ποιο ήταν το παιδικό σας παρατσούκλι;', TRUE, 0),
    ('What is the name of the street you grew up on?', 'Ποιο είναι το όνομα του δρόμου όπου μεγαλώσατε;', TRUE, 0),
    ('What was the first concert you attended?', 'Ποια ήταν η πρώτη συναυλία που παρακολουθήσατε;', TRUE, 0),
    ('What is your favourite teacher''s surname?', 'Ποιο είναι το επώνυμο του αγαπημένου σας δασκάλου;', TRUE, 0);

-- Answers are normalised (NFKC, lowercase, single spaces) and hashed with argon2id.
CREATE TABLE security_answers (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL REFERENCES security_questions (id),
    answer_hash TEXT NOT NULL,
    registered_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, question_id)
);

-- Recovery codes carry about 50 random bits each, so SHA-256 is enough.
CREATE TABLE recovery_codes (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    used_at BIGINT,
    PRIMARY KEY (user_id, code_hash)
);

-- One-time codes sent by email or SMS. Only a salted SHA-256 is kept: a code lives ten
-- minutes, works once and allows five tries. The destination is kept so the method can
-- be registered when the code comes back, and so sends per destination can be counted.
CREATE TABLE verification_codes (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    destination TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    consumed_at BIGINT
);

CREATE INDEX verification_codes_user ON verification_codes (user_id, purpose, created_at);
CREATE INDEX verification_codes_destination ON verification_codes (destination, created_at);

-- Policy saved by admins, one JSON document per area. Absent rows mean the defaults
-- from configuration.
CREATE TABLE policy_settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
