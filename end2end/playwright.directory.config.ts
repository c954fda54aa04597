import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// The specs for sspr in `ldap` mode, run by scripts/e2e-directory.sh once per directory
// (OpenLDAP, Samba AD), each against its own server; the main suite ignores them.
export default defineConfig({
  ...base,
  testDir: './tests/directory',
  testIgnore: [],
  // Each directory's specs run in order: the second reset follows the first.
  timeout: 90_000,
});
