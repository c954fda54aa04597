import { defineConfig } from '@playwright/test';

// scripts/e2e.sh starts the server on a free port and passes its URL.
const baseURL = process.env.E2E_BASE_URL;
if (!baseURL) {
  throw new Error('E2E_BASE_URL is not set: run the suite with `make e2e` (scripts/e2e.sh)');
}

export default defineConfig({
  testDir: './tests',
  // The directory specs need sspr in ldap mode: scripts/e2e-directory.sh runs them
  // (playwright.directory.config.ts).
  testIgnore: '**/tests/directory/**',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  // Specs share one server and one database; each uses its own accounts.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    locale: 'en-GB',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
