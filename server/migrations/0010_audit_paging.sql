-- The audit log viewer pages newest first by id (`id < ? ORDER BY id DESC LIMIT 50`).
-- With an index per filter that ends in the id, SQLite walks one index backwards and
-- stops after a page, whatever the table's size; the (x, at) indexes of 0006 and 0008
-- would make it sort every matching row first. (The id is the rowid in SQLite, so these
-- cost what an index on the filter column alone would.)
CREATE INDEX audit_events_event_id ON audit_events (event, id);
CREATE INDEX audit_events_outcome_id ON audit_events (outcome, id);
CREATE INDEX audit_events_account_id ON audit_events (account_id, id);
CREATE INDEX audit_events_actor_id ON audit_events (actor_id, id);
