-- Limits count failed proofs and sends per name AND client address, so nobody can use up
-- someone else's reset from their own address. The client is a keyed hash of its
-- address (an IPv6 client by its /64), never the address itself.
ALTER TABLE reset_wizards ADD COLUMN client_key TEXT NOT NULL DEFAULT '';
CREATE INDEX reset_wizards_name_client ON reset_wizards (name_key, client_key, created_at);
