-- The delivery outbox: every outgoing email and SMS is written here in the same
-- transaction as the event that causes it, then sent by the worker (or, in outbox mode,
-- held for administrators to read). Portable types, unix-second timestamps.

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    -- Kept when the user is deleted so the delivery record survives, without the link.
    user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    -- An email address or an E.164 phone number.
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    -- Bodies carry one-time codes: they are overwritten with '' once sent, expired or
    -- given up on. Only 'held' rows (outbox mode) keep them, for administrators to read.
    body_text TEXT NOT NULL,
    body_html TEXT,
    language TEXT NOT NULL,
    -- held: outbox mode, never sent. pending: waiting for next_attempt_at. sending:
    -- claimed by a worker until lease_until (a crashed worker's claim lapses).
    status TEXT NOT NULL CHECK (status IN ('held', 'pending', 'sending', 'sent', 'failed', 'expired')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_until BIGINT,
    -- Short and free of credentials; never the body.
    last_error TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    -- A message carrying a code is worthless once the code expires: not sent after this.
    expires_at BIGINT
);

-- The worker's query: due rows by status and time.
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
