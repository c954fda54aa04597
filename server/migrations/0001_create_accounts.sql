-- Accounts, groups, roles, password hashes and sessions: the core every feature uses.
-- Types are kept portable (INTEGER/BIGINT/TEXT/BOOLEAN, unix-second timestamps) so a
-- PostgreSQL backend can run the same schema with only the id columns changed.

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    -- NFKC + lowercase: "Admin" and "ａｄｍｉｎ" are one account (CVE-2019-19844 class).
    username_canonical TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    status TEXT NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'disabled', 'locked')),
    lock_reason TEXT,
    locked_until BIGINT,
    failed_sign_ins INTEGER NOT NULL DEFAULT 0,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    last_sign_in_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX users_display_name ON users (display_name);
CREATE INDEX users_email ON users (email);

CREATE TABLE groups (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    name_canonical TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE group_members (
    group_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);

CREATE INDEX group_members_user ON group_members (user_id);

CREATE TABLE role_assignments (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('global_admin', 'helpdesk_admin', 'reports_reader')),
    granted_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, role)
);

-- One current hash per user. The PHC string carries its own parameters; the columns
-- repeat them so "who still has weak hashes" is a query.
CREATE TABLE password_hashes (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    phc TEXT NOT NULL,
    memory_kib INTEGER NOT NULL,
    iterations INTEGER NOT NULL,
    parallelism INTEGER NOT NULL,
    set_at BIGINT NOT NULL
);

CREATE TABLE password_history (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    phc TEXT NOT NULL,
    set_at BIGINT NOT NULL
);

CREATE INDEX password_history_user ON password_history (user_id, set_at);

-- Only the SHA-256 of the session id is stored.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    idle_expires_at BIGINT NOT NULL,
    absolute_expires_at BIGINT NOT NULL,
    ip TEXT NOT NULL,
    user_agent TEXT NOT NULL
);

CREATE INDEX sessions_user ON sessions (user_id);
