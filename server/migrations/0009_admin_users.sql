-- The admin users list filters by status and pages in username order; this index serves
-- both, so "locked users" does not scan the whole directory.
CREATE INDEX users_status_name ON users (status, username_canonical);
