// The two policy pages of the admin dashboard. A global admin edits the reset policy and
// the password policy in the browser, and the reset wizard at /reset follows at once: a
// user outside the chosen group gets the decoy wizard (no code ever arrives), two methods
// required means two gates, and a banned word is refused. A helpdesk admin can neither
// open the pages nor call their server functions. Every policy changed here is put back
// in afterAll through the API, so the other specs see the configured policies.
import { test, expect, type APIRequestContext, type Page } from '@playwright/test';
import { apiCall, checkAccessibility, env, expectApiAnswer, signIn, text } from './support';
import {
  alertWith,
  apiSession,
  choose,
  emailIds,
  feedbackItems,
  ok,
  passEmailGate,
  readRegistrationPolicy,
  readResetPolicy,
  registerEmail,
  registerRecoveryCodes,
  savePolicies,
  startReset,
  stepHeading,
  submitCode,
  submitNewPassword,
  withSession,
  wizardText,
  type RegistrationPolicy,
  type ResetPolicy,
} from './reset-support';

test.describe.configure({ mode: 'serial', timeout: 90_000 });

type Registration = RegistrationPolicy;
type PasswordEditor = { policy: Record<string, unknown>; revision: number };

const inAddress = 'ines.reset@policy.example.net';
const outAddress = 'otto.reset@policy.example.net';

let admin: APIRequestContext | undefined;
let savedReset: ResetPolicy | undefined;
let savedRegistration: Registration | undefined;
let savedPassword: Record<string, unknown> | undefined;
let recoveryCodes: string[] = [];

async function restoreReset(session: APIRequestContext) {
  // Both at once: either alone may break a rule the other half still holds.
  await savePolicies(session, { reset: savedReset, registration: savedRegistration });
}

test.beforeAll(async () => {
  admin = await apiSession('e2e-admin');
  savedReset = await readResetPolicy(admin);
  savedRegistration = await readRegistrationPolicy(admin);
  savedPassword = (await ok<PasswordEditor>(admin, 'admin_password_policy')).policy;
  // The in-scope user proves herself by email or a recovery code; the other by email.
  recoveryCodes = await withSession('ap-in', async (s) => {
    await registerEmail(s, inAddress);
    return registerRecoveryCodes(s);
  });
  await withSession('ap-out', (s) => registerEmail(s, outAddress));
});

test.afterAll(async () => {
  const restore = admin ?? (await apiSession('e2e-admin'));
  try {
    await restoreReset(restore);
    if (savedPassword) {
      const { revision } = await ok<PasswordEditor>(restore, 'admin_password_policy');
      await ok(restore, 'admin_save_password_policy', { policy: savedPassword, revision });
    }
  } finally {
    await restore.dispose();
  }
});

async function openAsGlobalAdmin(page: Page, path: string, title: string) {
  await signIn(page, 'e2e-admin', env.password);
  await expect(page).toHaveURL(/\/account$/);
  await page.goto(path);
  await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible();
}

async function save(page: Page) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => /\/api\/admin_save_(reset|password)_policy$/.test(r.url())),
    page.getByRole('button', { name: 'Save', exact: true }).click(),
  ]);
  return response;
}

test('a global admin limits reset to one group and a user outside it gets only the decoy wizard', async ({ page, browser }) => {
  await openAsGlobalAdmin(page, '/admin/reset-policy', 'Password reset policy');
  await page.getByLabel('Members of chosen groups').check();
  await page.getByRole('checkbox', { name: 'Policy', exact: true }).check();
  await page.getByRole('button', { name: 'Preview who this covers' }).click();
  await expect(page.locator('#scope-preview')).toHaveText(/^\d+ of \d+ users are in scope; \d+ of them could reset today\.$/);
  expect((await save(page)).status()).toBe(200);
  await expect(page.getByRole('status').filter({ hasText: 'Saved. Changed:' })).toContainText('Who can reset their password: ');
  await expect(page.getByRole('status').filter({ hasText: 'Saved. Changed:' })).toContainText('Groups: Policy');

  // The wizard, in browsers with nobody signed in (each wizard keeps its own cookie).
  const outside = await browser.newContext();
  const inside = await browser.newContext();
  try {
    const outBefore = await emailIds(outAddress);
    const out = await outside.newPage();
    await startReset(out, 'ap-out');
    await choose(out, 'Email', wizardText.proveEmail);
    await expect(out.locator('#code-sent')).toContainText('We sent a code to ');

    // Mail leaves in order: once the in-scope user's code is in, the other's would be too.
    const inn = await inside.newPage();
    await startReset(inn, 'ap-in');
    await passEmailGate(inn, inAddress, wizardText.newPassword);
    expect(await emailIds(outAddress)).toEqual(outBefore);
  } finally {
    await outside.close();
    await inside.close();
  }
});

test('two methods required: the page explains what else must change, then the wizard asks for two gates', async ({ page, browser }) => {
  await openAsGlobalAdmin(page, '/admin/reset-policy', 'Password reset policy');
  await page.getByLabel('Methods required to reset (1 or 2)').fill('2');
  await page.getByLabel('Methods users must register').fill('1');
  expect((await save(page)).status()).toBe(422);
  const explained = 'Users must register at least 2 methods, because resetting needs 2 gates.';
  await expect(page.getByLabel('Methods users must register')).toHaveAccessibleDescription(explained);

  await page.getByLabel('Methods users must register').fill('2');
  expect((await save(page)).status()).toBe(200);
  await expect(page.getByRole('status').filter({ hasText: 'Saved. Changed:' })).toContainText('Methods required to reset (1 or 2): 1 → 2');

  const context = await browser.newContext();
  const wizard = await context.newPage();
  try {
    await startReset(wizard, 'ap-in');
    // The first gate does not say that a second follows; passing it does.
    await expect(wizard.getByText(wizardText.firstGate, { exact: true })).toBeVisible();
    await passEmailGate(wizard, inAddress, wizardText.choose);
    await expect(wizard.getByText(wizardText.secondGate)).toBeVisible();
  } finally {
    await context.close();
  }
});

test('a banned word added on the password policy page is refused by the test box and the wizard', async ({ page }) => {
  // Back to one gate and everyone (as configured) for this test.
  await restoreReset(admin!);
  await openAsGlobalAdmin(page, '/admin/password-policy', 'Password policy');
  const words = page.getByLabel('Banned words, one per line');
  await words.fill('quokka\nQu0kka\nwombat');
  await expect(page.locator('#banned_words-count')).toHaveText('Words listed: 3');
  expect((await save(page)).status()).toBe(200);
  // The server drops the look-alike duplicate.
  await expect(words).toHaveValue('quokka\nwombat');
  await expect(page.getByRole('status').filter({ hasText: 'Saved. Changed:' })).toContainText('Banned words, one per line:');

  await page.getByLabel('Password to test against the settings above').fill('my-quokka-lighthouse-key');
  await page.getByRole('button', { name: 'Test', exact: true }).click();
  await expect(page.locator('#test-result')).toContainText('This password would be refused:');
  await expect(page.locator('#test-result')).toContainText(wizardText.banned);

  await page.context().clearCookies();
  await startReset(page, 'ap-in');
  await choose(page, 'A recovery code', wizardText.proveRecovery);
  await submitCode(page, recoveryCodes[0]);
  await expect(stepHeading(page, wizardText.newPassword)).toBeVisible();
  const field = page.getByLabel('New password', { exact: true });
  await field.fill('my-QU0KKA-lighthouse-key');
  await expect(feedbackItems(page)).toHaveText([wizardText.banned]);
  await submitNewPassword(page, 'my-QU0KKA-lighthouse-key');
  await expect(alertWith(page, wizardText.banned)).toBeVisible();
  await expect(stepHeading(page, wizardText.newPassword)).toBeVisible();
});

test('a save over another admin\'s newer change is refused, says so, and changes nothing', async ({ page }) => {
  await openAsGlobalAdmin(page, '/admin/password-policy', 'Password policy');
  await expect(page.getByLabel('Minimum length (characters)')).toHaveValue(/\d+/);
  // Another admin saves after this page loaded.
  const current = await ok<PasswordEditor>(admin!, 'admin_password_policy');
  await ok(admin!, 'admin_save_password_policy', { policy: { ...current.policy, history_depth: 7 }, revision: current.revision });

  await page.getByLabel('Minimum length (characters)').fill('20');
  expect((await save(page)).status()).toBe(409);
  await expect(alertWith(page, 'Another admin saved a change here after you opened this page')).toBeVisible();
  const stored = await ok<PasswordEditor>(admin!, 'admin_password_policy');
  expect(stored.policy.min_chars).toBe(current.policy.min_chars);
  expect(stored.policy.history_depth).toBe(7);

  await page.getByRole('button', { name: 'Reload' }).click();
  await expect(page.getByLabel('Previous passwords that cannot be chosen again')).toHaveValue('7');
});

test('a helpdesk admin cannot open the policy pages or call their functions', async ({ page }) => {
  await signIn(page, 'rw-admin', env.password);
  await expect(page).toHaveURL(/\/account$/);
  await page.goto('/admin');
  await expect(page.getByRole('navigation', { name: 'Admin sections' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Password reset policy' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Password policy' })).toHaveCount(0);
  for (const path of ['/admin/reset-policy', '/admin/password-policy']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { name: text.noAccess })).toBeVisible();
  }
  const reset = savedReset!;
  const calls: [string, unknown][] = [
    ['admin_reset_policy', {}],
    ['admin_save_reset_policy', { reset, registration: savedRegistration, revisions: { reset: 0, registration: 0 } }],
    ['admin_preview_reset_scope', { reset }],
    ['admin_add_security_question', { text_en: 'Favourite tree?', text_el: 'Αγαπημένο δέντρο;' }],
    ['admin_set_security_question_active', { id: 1, active: false }],
    ['admin_password_policy', {}],
    ['admin_save_password_policy', { policy: savedPassword, revision: 0 }],
    ['admin_test_password', { policy: savedPassword, password: 'anything at all' }],
  ];
  for (const [name, body] of calls) {
    await expectApiAnswer(await apiCall(page.request, name, body), 403, 'Forbidden');
  }
});

test('both policy pages pass the accessibility check, with a custom question added and retired', async ({ page }, testInfo) => {
  await openAsGlobalAdmin(page, '/admin/reset-policy', 'Password reset policy');
  await expect(page.getByLabel('CAPTCHA difficulty (0 to 24)')).toBeVisible();
  const question = `Which harbour did you first sail from? ${Date.now()}`;
  await page.getByLabel('Question in English').fill(question);
  await page.getByLabel('Question in Greek').fill(`Από ποιο λιμάνι πρωτοσαλπάρατε; ${Date.now()}`);
  await page.getByRole('button', { name: 'Add a question' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Question added.' })).toBeVisible();
  const offered = page.getByRole('checkbox', { name: question });
  await expect(offered).toBeChecked();
  await checkAccessibility(page, testInfo);
  // Retired again, so registration in other specs is offered the usual bank.
  await offered.uncheck();
  await expect(offered).not.toBeChecked();
  await page.reload();
  await expect(page.getByRole('checkbox', { name: question })).not.toBeChecked();

  await page.goto('/admin/password-policy');
  await expect(page.getByLabel('Minimum length (characters)')).toBeVisible();
  await checkAccessibility(page, testInfo);
});
