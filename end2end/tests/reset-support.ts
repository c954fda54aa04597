// Helpers for the reset wizard specs: registering a fixture user's security info through
// the server functions (as the security info page does), steering the reset policy as a
// global admin, and walking the wizard at /reset the way a user does.
import { expect, request as playwrightRequest, type APIRequestContext, type Page } from '@playwright/test';
import * as OTPAuth from 'otpauth';
import { apiCall, codeFrom, env, listEmails, listSms, waitForSms, type Email, type Sms } from './support';

// ---- Words on screen (app/locales/reset.en.json and friends) --------------------------------

export const wizardText = {
  identify: 'Find your account',
  choose: "Verify it's you",
  // Gates are numbered, never counted: the first does not say whether a second follows.
  firstGate: 'Verification step 1',
  secondGate: 'Verification step 2: your account needs a second check.',
  proveEmail: 'Check your email',
  provePhone: 'Check your phone',
  proveAuthenticator: 'Open your authenticator app',
  proveQuestions: 'Answer your security questions',
  proveRecovery: 'Use a recovery code',
  newPassword: 'Choose a new password',
  doneChanged: 'Your password was changed',
  doneUnlocked: 'Your account was unlocked',
  sessionsSignedOut: 'For your safety, every other session of this account was signed out.',
  unlockedNote: 'You can sign in with your current password.',
  tooManyWrong: 'Too many wrong answers, so this reset has ended. You can start again.',
  wrongCode: (left: number) => `That code is not right. You can try ${left} more time(s).`,
  tooShort: 'The password is too short: at least 15 characters.',
  banned: 'This password contains a word your organisation does not allow.',
  common: 'This password is on a list of common or breached passwords. Choose another.',
  containsName: 'The password must not contain your name or username.',
  reused: 'You used this password recently. Choose one that is not among your last 5.',
  mismatch: 'The two passwords do not match.',
  resetEmailSubject: 'Your password was reset',
  unlockEmailSubject: 'Your account was unlocked',
};

export const greekWizardText = {
  identify: 'Βρείτε τον λογαριασμό σας',
  user: 'Όνομα χρήστη ή email',
  continue: 'Συνέχεια',
  choose: 'Επιβεβαιώστε ότι είστε εσείς',
  firstGate: 'Βήμα επαλήθευσης 1',
  proveRecovery: 'Χρησιμοποιήστε έναν κωδικό ανάκτησης',
  recoveryCode: 'Κωδικός ανάκτησης',
  verify: 'Επαλήθευση',
  newPassword: 'Επιλέξτε νέο κωδικό πρόσβασης',
  newPasswordField: 'Νέος κωδικός πρόσβασης',
  confirmField: 'Επιβεβαίωση νέου κωδικού',
  submit: 'Επαναφορά κωδικού',
  doneChanged: 'Ο κωδικός πρόσβασής σας άλλαξε',
  tooShort: 'Ο κωδικός είναι πολύ μικρός: τουλάχιστον 15 χαρακτήρες.',
  banned: 'Ο κωδικός περιέχει λέξη που ο οργανισμός σας δεν επιτρέπει.',
  reused: 'Χρησιμοποιήσατε αυτόν τον κωδικό πρόσφατα. Επιλέξτε έναν που δεν είναι στους τελευταίους 5.',
};

// ---- A signed-in API session for setting up a user ------------------------------------------

/** A request context with its own cookie jar, signed in as `username`. Dispose it when done. */
export async function apiSession(username: string, password = env.password): Promise<APIRequestContext> {
  const context = await playwrightRequest.newContext({ baseURL: env.baseURL });
  const response = await apiCall(context, 'sign_in', { username, password });
  expect(response.status(), `sign-in of ${username}: ${await response.text()}`).toBe(200);
  return context;
}

/** Calls a server function and expects a 200; returns the JSON answer. */
export async function ok<T = unknown>(context: APIRequestContext, name: string, body: unknown = {}): Promise<T> {
  const response = await apiCall(context, name, body);
  expect(response.status(), `${name}: ${await response.text()}`).toBe(200);
  return (await response.json()) as T;
}

// ---- Mail ------------------------------------------------------------------------------------

/** The ids of the emails maildev holds for `address`. */
export async function emailIds(address: string): Promise<string[]> {
  return (await listEmails(address)).map((m) => m.id);
}

/** Waits for an email to `address` that is not among `before` and returns the newest such. */
export async function waitForNewEmail(address: string, before: string[]): Promise<Email> {
  let found: Email | undefined;
  await expect
    .poll(async () => {
      found = (await listEmails(address)).filter((m) => !before.includes(m.id)).at(-1);
      return found !== undefined;
    }, { message: `a new email reaches ${address}`, timeout: 15_000 })
    .toBe(true);
  return found!;
}

/** The ids of every email maildev holds, whoever it was for. */
export async function allEmailIds(): Promise<string[]> {
  const response = await fetch(`${env.mailApi}/api/email`);
  expect(response.ok).toBe(true);
  return ((await response.json()) as { id: string }[]).map((m) => m.id);
}

/** How many SMS the fake provider has received, to anyone. */
export async function smsCount(): Promise<number> {
  const response = await fetch(env.sms);
  expect(response.ok).toBe(true);
  return ((await response.json()) as unknown[]).length;
}

/** Waits until no new email has arrived for a second, so earlier tests' mail is all in. */
export async function waitForQuietMail() {
  let last = -1;
  await expect
    .poll(async () => {
      const count = (await allEmailIds()).length;
      const quiet = count === last;
      last = count;
      return quiet;
    }, { message: 'mail stops arriving', timeout: 15_000, intervals: [1_000] })
    .toBe(true);
}

/** Registers an email address with the code that arrives at maildev. */
export async function registerEmail(session: APIRequestContext, address: string) {
  const before = await emailIds(address);
  await ok(session, 'send_email_code', { address, language: 'en' });
  const code = codeFrom((await waitForNewEmail(address, before)).text);
  await ok(session, 'confirm_code', { kind: 'email', code });
}

/** Registers a mobile number as typed (`typed`) with the code the SMS sink receives for it (`e164`). */
export async function registerPhone(session: APIRequestContext, typed: string, e164: string) {
  const before = (await listSms(e164)).length;
  await ok(session, 'send_phone_code', { number: typed, language: 'en' });
  await expect.poll(async () => (await listSms(e164)).length, { message: `a code reaches ${e164}` }).toBeGreaterThan(before);
  const code = codeFrom((await waitForSms(e164)).text);
  await ok(session, 'confirm_code', { kind: 'phone', code });
}

/** An authenticator registered for a user: its secret and the last time step the server accepted. */
export type Authenticator = { secret: string; lastStep: number };

const PERIOD = 30;

function totp(secret: string) {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: PERIOD, algorithm: 'SHA1' });
}

function stepNow() {
  return Math.floor(Date.now() / 1000 / PERIOD);
}

/**
 * The next code the server will take from this authenticator (RFC 6238, SHA-1, 30 s,
 * 6 digits). The server refuses a time step it has already accepted, so within the step
 * of the last use this is the next step's code, which its one step of drift accepts, as
 * it would from a phone whose clock runs a little fast.
 */
export function nextTotp(auth: Authenticator): string {
  const step = Math.max(stepNow(), auth.lastStep + 1);
  auth.lastStep = step;
  return totp(auth.secret).generate({ timestamp: step * PERIOD * 1000 });
}

/** Registers an authenticator app with a code computed from the secret the server shows. */
export async function registerAuthenticator(session: APIRequestContext): Promise<Authenticator> {
  const setup = await ok<{ secret: string }>(session, 'start_authenticator');
  const secret = setup.secret.replace(/\s+/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  const auth = { secret, lastStep: -1 };
  await ok(session, 'confirm_authenticator', { code: nextTotp(auth) });
  return auth;
}

type Question = { id: number; text_en: string; text_el: string };

/** Saves answers to the first three questions of the bank; returns answer by English question text. */
export async function registerQuestions(session: APIRequestContext): Promise<Map<string, string>> {
  const bank = await ok<Question[]>(session, 'question_bank');
  expect(bank.length).toBeGreaterThanOrEqual(3);
  const chosen = bank.slice(0, 3);
  const answers = chosen.map((q, i) => ({ question_id: q.id, answer: ['Larissa fountain', 'a blue kite', 'Kyria Eleni'][i] }));
  await ok(session, 'save_questions', { answers });
  return new Map(chosen.map((q, i) => [q.text_en, answers[i].answer]));
}

/** Ten fresh recovery codes. */
export async function registerRecoveryCodes(session: APIRequestContext): Promise<string[]> {
  const codes = await ok<string[]>(session, 'new_recovery_codes');
  expect(codes).toHaveLength(10);
  return codes;
}

/** Signs in through the API, runs `register` with that session, then drops the session's client. */
export async function withSession<T>(username: string, register: (session: APIRequestContext) => Promise<T>): Promise<T> {
  const session = await apiSession(username);
  try {
    return await register(session);
  } finally {
    await session.dispose();
  }
}

// ---- The reset policy, as a global admin ----------------------------------------------------

export type ResetPolicy = Record<string, unknown> & { methods_required: number };
export type RegistrationPolicy = Record<string, unknown>;

/** The reset policy page's documents, with the revisions a save must name. */
export type PolicyEditor = {
  reset: ResetPolicy;
  registration: RegistrationPolicy;
  revisions: { reset: number; registration: number };
};

export async function readPolicies(admin: APIRequestContext): Promise<PolicyEditor> {
  return ok<PolicyEditor>(admin, 'admin_reset_policy');
}

/** Saves both documents through the dashboard's revision-checked save, from a fresh load. */
export async function savePolicies(
  admin: APIRequestContext,
  change: { reset?: ResetPolicy; registration?: RegistrationPolicy },
): Promise<PolicyEditor> {
  const loaded = await readPolicies(admin);
  const saved = await ok<{ editor: PolicyEditor }>(admin, 'admin_save_reset_policy', {
    reset: change.reset ?? loaded.reset,
    registration: change.registration ?? loaded.registration,
    revisions: loaded.revisions,
  });
  return saved.editor;
}

export async function readResetPolicy(admin: APIRequestContext): Promise<ResetPolicy> {
  return (await readPolicies(admin)).reset;
}

export async function saveResetPolicy(admin: APIRequestContext, policy: ResetPolicy): Promise<ResetPolicy> {
  return (await savePolicies(admin, { reset: policy })).reset;
}

export async function readRegistrationPolicy(admin: APIRequestContext): Promise<RegistrationPolicy> {
  return (await readPolicies(admin)).registration;
}

export async function saveRegistrationPolicy(admin: APIRequestContext, policy: RegistrationPolicy): Promise<RegistrationPolicy> {
  return (await savePolicies(admin, { registration: policy })).registration;
}

// ---- Walking the wizard ---------------------------------------------------------------------

/** The step's heading (h2; the page title is the h1). */
export function stepHeading(page: Page, name: string) {
  return page.getByRole('heading', { name, level: 2 });
}

/** A visible alert with this text (the page keeps an empty one for "the reset ended"). */
export function alertWith(page: Page, text: string) {
  return page.getByRole('alert').filter({ hasText: text });
}

/**
 * Types the name on the first step and continues; the CAPTCHA is solved by the page.
 * Resolves once the first gate's choice is shown.
 */
export async function identify(page: Page, user: string) {
  await expect(stepHeading(page, wizardText.identify)).toBeVisible();
  await page.getByLabel('Username or email').fill(user);
  await page.getByRole('button', { name: 'Continue' }).click();
  // Proof of work at the configured difficulty takes the browser a moment.
  await expect(stepHeading(page, wizardText.choose)).toBeVisible({ timeout: 30_000 });
}

/** Opens /reset and identifies as `user`. */
export async function startReset(page: Page, user: string) {
  await page.goto('/reset');
  await identify(page, user);
}

/** The radio button of a method on the choose step; `name` is its label start, e.g. "Email". */
export function methodChoice(page: Page, name: string) {
  return page.getByRole('radio', { name: new RegExp(`^${name}\\b`) });
}

/** Picks a method on the choose step and continues to its proof step. */
export async function choose(page: Page, name: string, proveHeading: string) {
  await methodChoice(page, name).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(stepHeading(page, proveHeading)).toBeVisible();
}

/** Types a code (email, SMS, authenticator or recovery) and verifies it. */
export async function submitCode(page: Page, code: string) {
  await page.locator('#reset-code').fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
}

/** Chooses email, reads the code maildev received for `address`, and verifies it. Returns the code. */
export async function passEmailGate(page: Page, address: string, next: string): Promise<string> {
  const before = await emailIds(address);
  await choose(page, 'Email', wizardText.proveEmail);
  await expect(page.locator('#code-sent')).toContainText('We sent a code to ');
  const code = codeFrom((await waitForNewEmail(address, before)).text);
  await submitCode(page, code);
  await expect(stepHeading(page, next)).toBeVisible();
  return code;
}

/** Chooses SMS, reads the code the SMS sink received for `number`, and verifies it. */
export async function passSmsGate(page: Page, number: string, next: string) {
  const before = (await listSms(number)).length;
  await choose(page, 'Text', wizardText.provePhone);
  let sms: Sms | undefined;
  await expect
    .poll(async () => {
      sms = (await listSms(number)).at(before);
      return sms !== undefined;
    }, { message: `a reset code reaches ${number}` })
    .toBe(true);
  await submitCode(page, codeFrom(sms!.text));
  await expect(stepHeading(page, next)).toBeVisible();
}

/** Chooses a recovery code and uses `code`. */
export async function passRecoveryGate(page: Page, code: string, next: string) {
  await choose(page, 'A recovery code', wizardText.proveRecovery);
  await submitCode(page, code);
  await expect(stepHeading(page, next)).toBeVisible();
}

/** Types a new password twice and submits it. */
export async function submitNewPassword(page: Page, password: string, confirmation = password) {
  await page.getByLabel('New password', { exact: true }).fill(password);
  await page.getByLabel('Confirm new password').fill(confirmation);
  await page.getByRole('button', { name: 'Reset password' }).click();
}

/** The live feedback under the password fields: one item per problem. */
export function feedbackItems(page: Page) {
  return page.locator('#password-feedback ul.problems li');
}
