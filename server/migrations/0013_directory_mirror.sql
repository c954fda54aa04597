-- In `directory.kind = "ldap"` mode the users and groups are read from the directory into
-- these tables, so the wizard, the dashboard and security info work as for local accounts,
-- keyed by the directory's stable id (a renamed person keeps their security info).
ALTER TABLE users ADD COLUMN directory_id TEXT;
ALTER TABLE users ADD COLUMN directory_dn TEXT;
-- A member of the directory's own administrator groups (or AD adminCount=1): the stricter
-- admin reset policy applies without an sspr role.
ALTER TABLE users ADD COLUMN directory_privileged BOOLEAN NOT NULL DEFAULT FALSE;
CREATE UNIQUE INDEX users_directory_id ON users (directory_id) WHERE directory_id IS NOT NULL;

-- Lower-cased, as memberOf values are compared with it.
ALTER TABLE groups ADD COLUMN directory_dn TEXT;

-- When the directory was last read, for the dashboard's "read at".
CREATE TABLE directory_reads (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    read_at BIGINT NOT NULL,
    users INTEGER NOT NULL,
    groups INTEGER NOT NULL
);
