// Shared helpers so specs read like the user's story: find, act, check.
import { expect, type Page, type TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type Env = { baseURL: string; password: string; demo: Record<string, string> };

/** What scripts/e2e.sh prepared: the server URL, the fixture password and the demo one-time passwords. */
export const env: Env = JSON.parse(readFileSync(join(__dirname, '..', '.e2e', 'env.json'), 'utf8'));

/** Opens the sign-in page and signs in; does not assert where the user lands. */
export async function signIn(page: Page, username: string, password: string) {
  await page.goto('/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Fails on serious or critical accessibility violations on the current page. */
export async function checkAccessibility(page: Page, testInfo: TestInfo) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  await testInfo.attach('axe', { body: JSON.stringify(bad, null, 2), contentType: 'application/json' });
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`)).toEqual([]);
}
