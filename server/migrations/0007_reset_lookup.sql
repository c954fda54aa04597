-- The reset wizard finds an account by a registered (proven) email address too, when
-- exactly one account has it.
CREATE INDEX auth_methods_email_nocase ON auth_methods (value COLLATE NOCASE) WHERE kind = 'email';
