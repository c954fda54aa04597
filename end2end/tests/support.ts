// Shared helpers so specs read like the user's story: find, act, check.
import { expect, type APIRequestContext, type APIResponse, type BrowserContext, type Page, type Response, type TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type Env = { baseURL: string; password: string; demo: Record<string, string> };

/** What scripts/e2e.sh prepared: the server URL, the fixture password and the demo one-time passwords. */
export const env: Env = JSON.parse(readFileSync(join(__dirname, '..', '.e2e', 'env.json'), 'utf8'));

/** The usernames scripts/e2e.sh imports from fixtures/users.csv. */
export const fixtureUsernames: string[] = readFileSync(join(__dirname, '..', 'fixtures', 'users.csv'), 'utf8')
  .split('\n')
  .slice(1)
  .map((line) => line.trim())
  .filter((line) => line !== '')
  .map((line) => line.split(',')[0]);

/** The accounts the server created on first start (see server/src/demo.rs). */
export const demoUsernames = ['admin', 'helpdesk', 'alice', 'bob', 'eleni', 'nikos'];

/** Every account in a run's database: the fixture users, the CLI-created admin and the demo users. */
export const allUsernames: string[] = [...fixtureUsernames, 'e2e-admin', ...demoUsernames];

export const SESSION_COOKIE = 'sspr_session';

export const text = {
  invalidCredentials: 'The username or password is incorrect.',
  invalidCredentialsGreek: 'Το όνομα χρήστη ή ο κωδικός πρόσβασης είναι λανθασμένος.',
  lockedPrefix: 'This account is locked after too many failed sign-ins. Try again after ',
  mustChange: 'You must choose a new password before you continue.',
  passwordChanged: 'Your password has been changed. Your other sessions have been signed out.',
  tooShort: 'The password is too short: at least 8 characters.',
  noAccess: "You don't have access to this page",
};

/** Fills the sign-in form on the current page and submits it; resolves with the server's answer. */
export async function submitSignIn(page: Page, username: string, password: string): Promise<Response> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/sign_in')),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  return response;
}

/** Opens the sign-in page and signs in; does not assert where the user lands. */
export async function signIn(page: Page, username: string, password: string): Promise<Response> {
  await page.goto('/');
  return submitSignIn(page, username, password);
}

/** Signs in and checks the user reached their account page. */
export async function signInToAccount(page: Page, username: string, password: string, displayName: string) {
  await signIn(page, username, password);
  await expect(page).toHaveURL(/\/account$/);
  await expect(signedInAs(page)).toHaveText(displayName);
}

/** The signed-in user's name in the header. */
export function signedInAs(page: Page) {
  return page.locator('header .signed-in-as');
}

/** Signs out with the header button and waits to be back on the sign-in page. */
export async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
}

/** The visible error box. */
export function alertBox(page: Page) {
  return page.getByRole('alert');
}

/** Fills the change-password form and submits it; resolves with the server's answer. */
export async function submitPasswordChange(page: Page, current: string, next: string, confirmation = next): Promise<Response> {
  await page.getByLabel('Current password').fill(current);
  await page.getByLabel('New password', { exact: true }).fill(next);
  await page.getByLabel('Confirm new password').fill(confirmation);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/change_password')),
    page.getByRole('button', { name: 'Change password' }).click(),
  ]);
  return response;
}

/** The value shown next to `label` on the account page. */
export function profileValue(page: Page, label: string) {
  return page.locator('.profile-row').filter({ has: page.locator('dt').getByText(label, { exact: true }) }).locator('dd');
}

/** The current session cookie's value in a browser context, or undefined. */
export async function sessionCookie(context: BrowserContext) {
  return (await context.cookies()).find((c) => c.name === SESSION_COOKIE);
}

type CallOptions = {
  /** The Origin header; defaults to the server's own origin, `null` sends none. */
  origin?: string | null;
  /** The session cookie value to send, if any. */
  session?: string;
  /** A raw body instead of the JSON of `body`. */
  raw?: string;
};

/** Calls a server function the way the app does: POST /api/<name> with a JSON body. */
export async function apiCall(request: APIRequestContext, name: string, body: unknown = {}, options: CallOptions = {}): Promise<APIResponse> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  const origin = options.origin === undefined ? env.baseURL : options.origin;
  if (origin !== null) headers['Origin'] = origin;
  if (options.session !== undefined) headers['Cookie'] = `${SESSION_COOKIE}=${options.session}`;
  return request.post(`/api/${name}`, { headers, data: options.raw ?? JSON.stringify(body) });
}

/** Checks an API answer's status and its JSON body. */
export async function expectApiAnswer(response: APIResponse, status: number, body: unknown) {
  expect({ status: response.status(), body: await response.json() }).toEqual({ status, body });
}

/** Fails on serious or critical accessibility violations on the current page. */
export async function checkAccessibility(page: Page, testInfo: TestInfo) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  await testInfo.attach('axe', { body: JSON.stringify(bad, null, 2), contentType: 'application/json' });
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`)).toEqual([]);
}

/** The security headers every response must carry. */
export function expectSecurityHeaders(headers: Record<string, string>, what: string) {
  const csp = headers['content-security-policy'] ?? '';
  const directives = new Map(
    csp
      .split(';')
      .map((d) => d.trim())
      .filter((d) => d !== '')
      .map((d) => {
        const [name, ...values] = d.split(/\s+/);
        return [name, values] as const;
      }),
  );
  expect(csp, `${what}: Content-Security-Policy`).not.toBe('');
  expect(directives.get('script-src'), `${what}: script-src`).toEqual(["'self'", "'wasm-unsafe-eval'"]);
  expect(directives.get('frame-ancestors'), `${what}: frame-ancestors`).toEqual(["'none'"]);
  expect(csp, `${what}: no unsafe-inline`).not.toContain("'unsafe-inline'");
  expect(csp, `${what}: no unsafe-eval`).not.toMatch(/'unsafe-eval'/);
  expect(headers['x-content-type-options'], `${what}: X-Content-Type-Options`).toBe('nosniff');
  expect(headers['referrer-policy'], `${what}: Referrer-Policy`).toBe('no-referrer');
}
