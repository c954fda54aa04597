// Shared helpers so specs read like the user's story: find, act, check.
import { expect, type APIRequestContext, type APIResponse, type BrowserContext, type Page, type Response, type TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type Env = {
  baseURL: string;
  password: string;
  demo: Record<string, string>;
  /** maildev's base URL (its REST API is under /api); see end2end/harness/sinks.mjs. */
  mailApi: string;
  /** The fake SMS provider's endpoint: the server POSTs here, specs GET and DELETE it. */
  sms: string;
  /** POST `${control}/stop` and `${control}/start` stop and restart the SMTP server. */
  control: string;
};

/**
 * What scripts/e2e.sh prepared: the server URL, the fixture password, the demo one-time
 * passwords and the delivery sinks. scripts/e2e-directory.sh names its own file in E2E_ENV.
 */
export const env: Env = JSON.parse(readFileSync(process.env.E2E_ENV ?? join(__dirname, '..', '.e2e', 'env.json'), 'utf8'));

/** The usernames scripts/e2e.sh imports from fixtures/users.csv. */
export const fixtureUsernames: string[] = readFileSync(join(__dirname, '..', 'fixtures', 'users.csv'), 'utf8')
  .split('\n')
  .slice(1)
  .map((line) => line.trim())
  .filter((line) => line !== '')
  .map((line) => line.split(',')[0]);

/** The accounts the server created on first start (see server/src/demo.rs). */
export const demoUsernames = ['admin', 'helpdesk', 'alice', 'bob', 'eleni', 'nikos'];

/** The administrators scripts/e2e.sh creates with `sspr admin create`. */
export const cliAdmins = ['e2e-admin', 'rw-admin', 'rr-reader'];

/** Every account in a run's database: the fixture users, the CLI-created admins and the demo users. */
export const allUsernames: string[] = [...fixtureUsernames, ...cliAdmins, ...demoUsernames];

export const SESSION_COOKIE = 'sspr_session';

export const text = {
  invalidCredentials:
    "The username or password is incorrect. After several failed attempts an account is locked for a while; use \"Can't access your account?\" to unlock it now.",
  invalidCredentialsGreek:
    'Το όνομα χρήστη ή ο κωδικός πρόσβασης είναι λανθασμένος. Μετά από αρκετές αποτυχημένες προσπάθειες ο λογαριασμός κλειδώνεται για λίγο· πατήστε «Δεν μπορείτε να μπείτε στον λογαριασμό σας;» για να τον ξεκλειδώσετε τώρα.',
  mustChange: 'You must choose a new password before you continue.',
  passwordChanged: 'Your password has been changed. Your other sessions have been signed out.',
  tooShort: 'The password is too short: at least 15 characters.',
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

// ---- Delivery sinks -------------------------------------------------------------------------
// scripts/e2e.sh runs end2end/harness/sinks.mjs: maildev as the SMTP server the server sends
// to, and a small HTTP endpoint as the SMS provider. These helpers read and steer them. They
// use Node's fetch rather than a Playwright request context so any spec or hook can call them.

/** How long the wait helpers poll before failing: covers a delivery retry or two. */
const DELIVERY_TIMEOUT = 15_000;
const POLL_INTERVALS = [100, 250, 500];

/** An email as maildev received it (the fields specs need). */
export type Email = {
  id: string;
  subject: string;
  text: string;
  html: string;
  from: string[];
  to: string[];
  /** When maildev received it (ISO 8601). */
  time: string;
};

/** An SMS as the fake provider received it: the server's JSON body plus when it arrived. */
export type Sms = {
  to: string;
  text: string;
  /** When the provider received it (ISO 8601). */
  receivedAt: string;
};

type WaitOptions = {
  /** How long to wait, in ms; defaults to 15 s. */
  timeout?: number;
};

type MaildevAddress = { address: string; name?: string };
type MaildevEmail = {
  id: string;
  subject?: string;
  text?: string;
  html?: string;
  from?: MaildevAddress[];
  to?: MaildevAddress[];
  envelope?: { to?: MaildevAddress[] };
  time: string;
};

async function sinkRequest(method: string, url: string): Promise<unknown> {
  const response = await fetch(url, { method });
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Deletes every email maildev holds; call it before an action whose mail you will wait for. */
export async function clearMail(): Promise<void> {
  await sinkRequest('DELETE', `${env.mailApi}/api/email/all`);
}

/**
 * Every email received for `to` (header To or SMTP envelope recipient, ignoring case), in
 * arrival order. Use it to check that exactly one message was sent.
 */
export async function listEmails(to: string): Promise<Email[]> {
  const wanted = to.toLowerCase();
  const all = (await sinkRequest('GET', `${env.mailApi}/api/email`)) as MaildevEmail[];
  return all
    .filter((m) => [...(m.to ?? []), ...(m.envelope?.to ?? [])].some((a) => a.address.toLowerCase() === wanted))
    .map((m) => ({
      id: m.id,
      subject: m.subject ?? '',
      text: m.text ?? '',
      html: m.html ?? '',
      from: (m.from ?? []).map((a) => a.address),
      to: (m.to ?? []).map((a) => a.address),
      time: m.time,
    }));
}

/** Waits until an email to `to` has arrived and returns the newest one. */
export async function waitForEmail(to: string, opts: WaitOptions = {}): Promise<Email> {
  let found: Email | undefined;
  await expect
    .poll(
      async () => {
        found = (await listEmails(to)).at(-1);
        return found !== undefined;
      },
      { message: `an email to ${to} arrives`, timeout: opts.timeout ?? DELIVERY_TIMEOUT, intervals: POLL_INTERVALS },
    )
    .toBe(true);
  return found!;
}

/** The 8-digit one-time code in a message's text; fails if there is none or it is ambiguous. */
export function codeFrom(text: string): string {
  const codes = [...new Set(text.match(/\b\d{8}\b/g) ?? [])];
  if (codes.length !== 1) {
    throw new Error(`expected exactly one 8-digit code, found ${codes.length} in:\n${text}`);
  }
  return codes[0];
}

/** Forgets every SMS the fake provider received. */
export async function clearSms(): Promise<void> {
  await sinkRequest('DELETE', env.sms);
}

/** Every SMS the fake provider received for `to`, in arrival order. */
export async function listSms(to: string): Promise<Sms[]> {
  return ((await sinkRequest('GET', env.sms)) as Sms[]).filter((m) => m.to === to);
}

/** Waits until an SMS to `to` (e.g. "+306912345678") has arrived and returns the newest one. */
export async function waitForSms(to: string, opts: WaitOptions = {}): Promise<Sms> {
  let found: Sms | undefined;
  await expect
    .poll(
      async () => {
        found = (await listSms(to)).at(-1);
        return found !== undefined;
      },
      { message: `an SMS to ${to} arrives`, timeout: opts.timeout ?? DELIVERY_TIMEOUT, intervals: POLL_INTERVALS },
    )
    .toBe(true);
  return found!;
}

/**
 * Stops the SMTP server: once this resolves new connections are refused and open ones have
 * been closed with a 421. Mail already received stays readable. Pair with startSmtp() in a
 * finally block, or later specs will find no mail server.
 */
export async function stopSmtp(): Promise<void> {
  await sinkRequest('POST', `${env.control}/stop`);
}

/** Starts the SMTP server again on the same port; resolves once it accepts connections. */
export async function startSmtp(): Promise<void> {
  await sinkRequest('POST', `${env.control}/start`);
}
