-- The audit log: one row per reset-wizard step (and later, admin action). Each row holds
-- the SHA-256 of the row before it (`prev_hash`, 64 zeros for the first) and of itself
-- (`hash`), so a changed or removed row breaks the chain. Portable types, unix seconds.

CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    -- reset_started, captcha_failed, method_chosen, ... (AuditKind::as_str).
    event TEXT NOT NULL,
    -- No foreign key: deleting a user keeps its history.
    account_id INTEGER,
    ip TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    -- success, failure or denied.
    outcome TEXT NOT NULL,
    -- Free text for the reader; never a secret.
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_account_at ON audit_events (account_id, at);
CREATE INDEX audit_events_event_at ON audit_events (event, at);

-- Append-only for the application (SQLite syntax; PostgreSQL would use a trigger
-- function or revoke UPDATE and DELETE from the application's role). A test that edits a
-- row to show the chain catches it must drop these first.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
