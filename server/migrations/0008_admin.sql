-- The admin dashboard. Admin actions are audited with the admin who acted (`actor_id`)
-- beside the account acted on (`account_id`). Old rows have no actor; the hash covers the
-- actor only when there is one, so their hashes stay valid.
ALTER TABLE audit_events ADD COLUMN actor_id INTEGER;
CREATE INDEX audit_events_actor_at ON audit_events (actor_id, at);

-- Each saved policy document counts its saves, so an admin saving over a version they
-- never saw (another admin saved meanwhile) is told instead of silently overwriting it.
ALTER TABLE policy_settings ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
