// The self-service reset wizard at /reset: who are you (with the proof-of-work CAPTCHA), a
// gate proven with a code that really arrives (maildev, the SMS sink), a recovery code or
// an authenticator, the new password with live feedback, done. Also unlocking without a
// new password, the end after five wrong answers, the decoy for unknown names, signing
// out other sessions, the notification, accessibility and refresh.
//
// Each test uses its own fixture user (end2end/fixtures/users.csv, the rw-* rows) and
// registers that user's methods through the security info server functions first, so no
// test depends on another. The two-gate policy has its own file (reset-two-gates.spec.ts).
import { test, expect, request as playwrightRequest, type Page } from '@playwright/test';
import {
  apiCall,
  checkAccessibility,
  codeFrom,
  env,
  listEmails,
  sessionCookie,
  signInToAccount,
  signOut,
  signedInAs,
  submitSignIn,
  text,
  waitForEmail,
} from './support';
import {
  alertWith,
  allEmailIds,
  choose,
  emailIds,
  feedbackItems,
  greekWizardText,
  identify,
  methodChoice,
  nextTotp,
  ok,
  passEmailGate,
  passRecoveryGate,
  registerAuthenticator,
  registerEmail,
  registerQuestions,
  registerRecoveryCodes,
  smsCount,
  startReset,
  stepHeading,
  submitCode,
  submitNewPassword,
  waitForNewEmail,
  waitForQuietMail,
  withSession,
  wizardText,
} from './reset-support';

// A test takes under ten seconds, but the CAPTCHA's proof of work is random in length and
// two or three wizards are walked in some tests: leave room.
test.describe.configure({ timeout: 60_000 });

/** Signs in with the new password, then checks the old one is refused. */
async function expectOnlyNewPasswordWorks(page: Page, username: string, displayName: string, newPassword: string) {
  await signInToAccount(page, username, newPassword, displayName);
  await signOut(page);
  const old = await submitSignIn(page, username, env.password);
  expect(old.status(), 'the old password after the reset').toBe(401);
  await expect(page.getByRole('alert').filter({ hasText: text.invalidCredentials })).toBeVisible();
}

test('a user resets the password with a code sent by email; the new password signs in and the old one does not', async ({ page }) => {
  const address = 'rhea.home@mail.example.net';
  const newPassword = 'quiet-lantern-meadow-47';
  await withSession('rw-email', (s) => registerEmail(s, address));

  await startReset(page, 'rw-email');
  await expect(page.getByText(wizardText.firstGate, { exact: true })).toBeVisible();
  // Only the registered method is offered, by its masked hint.
  await expect(page.getByRole('radio')).toHaveCount(1);
  await expect(methodChoice(page, 'Email')).toHaveAccessibleName('Email r***@mail.example.net');
  await expect(page.getByText(address)).toHaveCount(0);

  await passEmailGate(page, address, wizardText.newPassword);
  // The account is not locked, so there is nothing to unlock.
  await expect(page.locator('#reset-unlock')).toHaveCount(0);
  await submitNewPassword(page, newPassword);

  await expect(stepHeading(page, wizardText.doneChanged)).toBeVisible();
  await expect(page.getByText(wizardText.sessionsSignedOut)).toBeVisible();
  // The wizard never signs anyone in.
  expect(await sessionCookie(page.context())).toBeUndefined();
  await expect(signedInAs(page)).toHaveCount(0);

  await page.getByRole('main').getByRole('link', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expectOnlyNewPasswordWorks(page, 'rw-email', 'Rhea Mailer', newPassword);
});

test('a user who types the email address of the account resets with a recovery code, which then no longer works', async ({ page }) => {
  const newPassword = 'copper-violin-harbour';
  const codes = await withSession('rw-recovery', registerRecoveryCodes);

  // The address on the account's profile finds it as well as the username does.
  await startReset(page, 'remo@reset.example.net');
  await expect(page.getByRole('radio')).toHaveCount(1);
  await passRecoveryGate(page, codes[3], wizardText.newPassword);
  await submitNewPassword(page, newPassword);
  await expect(stepHeading(page, wizardText.doneChanged)).toBeVisible();

  // The code was spent: a new wizard refuses it, and counts it as a wrong answer.
  await startReset(page, 'rw-recovery');
  await choose(page, 'A recovery code', wizardText.proveRecovery);
  await submitCode(page, codes[3]);
  await expect(alertWith(page, wizardText.wrongCode(4))).toBeVisible();
  await page.locator('#reset-cancel').click();
  await expect(stepHeading(page, wizardText.identify)).toBeVisible();

  await page.goto('/');
  await expectOnlyNewPasswordWorks(page, 'rw-recovery', 'Remo Rescue', newPassword);
});

test('an administrator must pass two different gates and is never offered security questions', async ({ page }) => {
  const address = 'ada.desk@mail.example.net';
  const newPassword = 'walnut-pylon-seagrass';
  // rw-admin is a helpdesk admin (scripts/e2e.sh): any admin role gets the admin policy.
  const authenticator = await withSession('rw-admin', async (s) => {
    await registerEmail(s, address);
    await registerQuestions(s);
    return registerAuthenticator(s);
  });

  await startReset(page, 'rw-admin');
  // Exactly as for anyone else: the first gate does not say that a second follows.
  await expect(page.getByText(wizardText.firstGate, { exact: true })).toBeVisible();
  await expect(methodChoice(page, 'Email')).toBeVisible();
  await expect(methodChoice(page, 'Authenticator app')).toBeVisible();
  // Registered, but guessable: not for admins.
  await expect(methodChoice(page, 'Security questions')).toHaveCount(0);
  await expect(page.getByRole('radio')).toHaveCount(2);

  await passEmailGate(page, address, wizardText.choose);
  await expect(page.getByText(wizardText.secondGate)).toBeVisible();
  // The gate already passed is not offered again.
  await expect(page.getByRole('radio')).toHaveCount(1);
  await expect(methodChoice(page, 'Authenticator app')).toBeVisible();
  await choose(page, 'Authenticator app', wizardText.proveAuthenticator);
  await submitCode(page, nextTotp(authenticator));
  await expect(stepHeading(page, wizardText.newPassword)).toBeVisible();

  await submitNewPassword(page, newPassword);
  await expect(stepHeading(page, wizardText.doneChanged)).toBeVisible();
  await page.goto('/');
  await expectOnlyNewPasswordWorks(page, 'rw-admin', 'Ada Overseer', newPassword);
});

test('the password step gives live feedback in English: too short, common, a banned word, the user’s name, a previous password', async ({ page }) => {
  const changed = 'harbour-lights-at-dusk';
  const newPassword = 'orchid-tundra-saxophone';
  // A change first, so the fixture password is a previous one rather than the current one.
  const codes = await withSession('rw-policy-en', async (s) => {
    await ok(s, 'change_password', { current: env.password, new_password: changed, confirmation: changed });
    return registerRecoveryCodes(s);
  });

  await startReset(page, 'rw-policy-en');
  await passRecoveryGate(page, codes[0], wizardText.newPassword);
  await expect(page.getByText('Use 15 to 256 characters.')).toBeVisible();
  const field = page.getByLabel('New password', { exact: true });
  const cases: [string, string][] = [
    ['fourteen chars', wizardText.tooShort],
    ['passwordpassword', wizardText.common],
    ['my-sspr-login-for-work', wizardText.banned],
    ['the-policy-is-my-friend', wizardText.containsName],
    [env.password, wizardText.reused],
    [changed, wizardText.reused],
  ];
  for (const [typed, problem] of cases) {
    await field.fill(typed);
    await expect(feedbackItems(page), typed).toHaveText([problem]);
    await expect(field).toHaveAccessibleDescription(new RegExp(problem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  }

  // A good password has no problems, and a confirmation that differs is said to.
  await field.fill(newPassword);
  await expect(page.locator('p.strength')).toBeVisible();
  await expect(feedbackItems(page)).toHaveCount(0);
  await page.getByLabel('Confirm new password').fill(`${newPassword}!`);
  await expect(feedbackItems(page)).toHaveText([wizardText.mismatch]);

  // The server refuses what the feedback warned about.
  await submitNewPassword(page, 'my-sspr-login-for-work');
  await expect(alertWith(page, wizardText.banned)).toBeVisible();
  await expect(stepHeading(page, wizardText.newPassword)).toBeVisible();

  await submitNewPassword(page, newPassword);
  await expect(stepHeading(page, wizardText.doneChanged)).toBeVisible();
  await page.goto('/');
  await signInToAccount(page, 'rw-policy-en', newPassword, 'Pia Feedback');
});

test('in Greek the wizard speaks Greek and the password step gives its feedback in Greek', async ({ page }) => {
  const changed = 'harbour-lights-at-noon';
  const newPassword = 'lemon-basalt-clarinet';
  const codes = await withSession('rw-policy-el', async (s) => {
    await ok(s, 'change_password', { current: env.password, new_password: changed, confirmation: changed });
    return registerRecoveryCodes(s);
  });

  await page.goto('/reset');
  await expect(stepHeading(page, wizardText.identify)).toBeVisible();
  await page.getByLabel('Language').selectOption({ label: 'Ελληνικά' });
  await expect(stepHeading(page, greekWizardText.identify)).toBeVisible();
  await page.getByLabel(greekWizardText.user).fill('rw-policy-el');
  await page.getByRole('button', { name: greekWizardText.continue }).click();
  await expect(stepHeading(page, greekWizardText.choose)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText(greekWizardText.firstGate, { exact: true })).toBeVisible();
  await page.getByRole('radio', { name: 'Ένας κωδικός ανάκτησης' }).check();
  await page.getByRole('button', { name: greekWizardText.continue }).click();
  await expect(stepHeading(page, greekWizardText.proveRecovery)).toBeVisible();
  await page.getByLabel(greekWizardText.recoveryCode).fill(codes[0]);
  await page.getByRole('button', { name: greekWizardText.verify }).click();
  await expect(stepHeading(page, greekWizardText.newPassword)).toBeVisible();

  const field = page.getByLabel(greekWizardText.newPasswordField, { exact: true });
  for (const [typed, problem] of [
    ['δεκατέσσερα χχ', greekWizardText.tooShort],
    ['my-sspr-login-for-work', greekWizardText.banned],
    [env.password, greekWizardText.reused],
  ]) {
    await field.fill(typed);
    await expect(feedbackItems(page), typed).toHaveText([problem]);
  }
  // A problem on screen follows a switch of language.
  await page.getByLabel('Γλώσσα').selectOption('en');
  await expect(feedbackItems(page)).toHaveText([wizardText.reused]);
  await page.getByLabel('Language').selectOption('el-GR');
  await expect(feedbackItems(page)).toHaveText([greekWizardText.reused]);

  await field.fill(newPassword);
  await page.getByLabel(greekWizardText.confirmField).fill(newPassword);
  await page.getByRole('button', { name: greekWizardText.submit }).click();
  await expect(stepHeading(page, greekWizardText.doneChanged)).toBeVisible();
  await page.getByLabel('Γλώσσα').selectOption('en');
  await page.goto('/');
  await signInToAccount(page, 'rw-policy-el', newPassword, 'Πέτρος Παππάς');
});

test('a locked account is unlocked without changing the password, and the old password signs in again', async ({ page, request }) => {
  const codes = await withSession('rw-unlock', registerRecoveryCodes);
  // Ten wrong passwords lock the account (sign_in.lockout_threshold), answered like any
  // wrong password; the owner is told by mail, and then the right password fails too.
  for (let attempt = 1; attempt <= 10; attempt++) {
    const response = await apiCall(request, 'sign_in', { username: 'rw-unlock', password: `not-it-${attempt}` });
    expect(response.status(), `wrong password ${attempt}`).toBe(401);
  }
  const lockMail = await waitForEmail('una@reset.example.net');
  expect(lockMail.subject).toBe('Your account is locked for a while');
  expect((await apiCall(request, 'sign_in', { username: 'rw-unlock', password: env.password })).status()).toBe(401);

  await startReset(page, 'rw-unlock');
  await passRecoveryGate(page, codes[0], wizardText.newPassword);
  await expect(page.getByText('Your account is locked. If you still know your password, you can unlock the account instead.')).toBeVisible();
  await page.getByRole('button', { name: 'Unlock my account without changing the password' }).click();

  await expect(stepHeading(page, wizardText.doneUnlocked)).toBeVisible();
  await expect(page.getByText(wizardText.unlockedNote)).toBeVisible();
  const mail = await waitForNewEmail('una@reset.example.net', [lockMail.id]);
  expect(mail.subject).toBe(wizardText.unlockEmailSubject);

  await page.goto('/');
  await signInToAccount(page, 'rw-unlock', env.password, 'Una Bolted');
});

test('five wrong codes end the wizard, each wrong one saying how many tries are left', async ({ page }) => {
  const address = 'wanda.w@mail.example.net';
  await withSession('rw-wrong', (s) => registerEmail(s, address));
  await startReset(page, 'rw-wrong');
  const before = await emailIds(address);
  await choose(page, 'Email', wizardText.proveEmail);
  const real = codeFrom((await waitForNewEmail(address, before)).text);
  const wrong = ['11111111', '22222222', '33333333', '44444444', '55555555', '66666666'].filter((c) => c !== real);

  // A code of the wrong shape is not an answer and costs no try.
  await submitCode(page, '1234');
  await expect(alertWith(page, 'Enter the 8-digit code.')).toBeVisible();

  for (let i = 0; i < 4; i++) {
    await submitCode(page, wrong[i]);
    await expect(alertWith(page, wizardText.wrongCode(4 - i))).toBeVisible();
    await expect(stepHeading(page, wizardText.proveEmail)).toBeVisible();
  }
  await submitCode(page, wrong[4]);
  await expect(stepHeading(page, wizardText.identify)).toBeVisible();
  await expect(alertWith(page, wizardText.tooManyWrong)).toBeVisible();

  // The wizard is gone on the server too: a reload starts from the beginning.
  await page.reload();
  await expect(stepHeading(page, wizardText.identify)).toBeVisible();
  await expect(page.getByLabel('Username or email')).toHaveValue('');
});

test('an unknown name walks the same screens with made-up hints, is never sent anything, and no code works', async ({ page }) => {
  const name = 'nobody-resets-here';
  await waitForQuietMail();
  const mailBefore = await allEmailIds();
  const smsBefore = await smsCount();

  await startReset(page, name);
  await expect(page.getByText(wizardText.firstGate, { exact: true })).toBeVisible();
  const email = methodChoice(page, 'Email');
  // Shaped like a real hint: one lowercase letter (the typed one, or another as often as
  // real addresses start with another letter than their username) and a real domain.
  await expect(email).toHaveAccessibleName(/^Email [a-z0-9]\*\*\*@[a-z0-9-]+(\.[a-z0-9-]+)+$/);
  const offered = await page.getByRole('radio').evaluateAll((radios) =>
    radios.map((r) => (r as HTMLInputElement).labels?.[0]?.textContent?.trim() ?? ''),
  );
  expect(offered.length).toBeGreaterThanOrEqual(1);

  await choose(page, 'Email', wizardText.proveEmail);
  await expect(page.locator('#code-sent')).toContainText(/We sent a code to [a-z0-9]\*\*\*@\S+\. It works until /);
  await page.getByRole('button', { name: 'Send a new code' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'A new code is on its way.' })).toBeVisible();

  for (const [code, left] of [['12345678', 4], ['87654321', 3], ['00000000', 2]] as const) {
    await submitCode(page, code);
    await expect(alertWith(page, wizardText.wrongCode(left))).toBeVisible();
  }

  // The same name shows the same hints next time, as a real account would.
  await page.locator('#reset-cancel').click();
  await identify(page, name);
  const again = await page.getByRole('radio').evaluateAll((radios) =>
    radios.map((r) => (r as HTMLInputElement).labels?.[0]?.textContent?.trim() ?? ''),
  );
  expect(again).toEqual(offered);

  // Nothing went out, to anyone.
  await page.waitForTimeout(2_000);
  expect((await allEmailIds()).filter((id) => !mailBefore.includes(id))).toEqual([]);
  expect(await smsCount()).toBe(smsBefore);
});

test('a reset signs out every session of the account, in other browsers and API clients alike', async ({ page, browser }) => {
  const newPassword = 'marble-falcon-orchard';
  const codes = await withSession('rw-sessions', registerRecoveryCodes);
  const other = await browser.newContext();
  const elsewhere = await other.newPage();
  const api = await playwrightRequest.newContext({ baseURL: env.baseURL });
  try {
    await signInToAccount(elsewhere, 'rw-sessions', env.password, 'Seth Twobrowsers');
    await ok(api, 'sign_in', { username: 'rw-sessions', password: env.password });
    expect((await ok<{ username: string } | null>(api, 'current_user'))?.username).toBe('rw-sessions');

    await startReset(page, 'rw-sessions');
    await passRecoveryGate(page, codes[0], wizardText.newPassword);
    await submitNewPassword(page, newPassword);
    await expect(stepHeading(page, wizardText.doneChanged)).toBeVisible();

    await elsewhere.reload();
    await expect(elsewhere).toHaveURL(/\/$/);
    await expect(elsewhere.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await expect(signedInAs(elsewhere)).toHaveCount(0);
    expect(await ok(api, 'current_user')).toBeNull();
  } finally {
    await api.dispose();
    await other.close();
  }
});

test('the “Your password was reset” email goes to the registered address and carries no password or code', async ({ page }) => {
  const address = 'nell.inbox@mail.example.net';
  const newPassword = 'saffron-glacier-trombone';
  await withSession('rw-notify', (s) => registerEmail(s, address));

  await startReset(page, 'rw-notify');
  const code = await passEmailGate(page, address, wizardText.newPassword);
  await submitNewPassword(page, newPassword);
  await expect(stepHeading(page, wizardText.doneChanged)).toBeVisible();

  let notices: Awaited<ReturnType<typeof listEmails>> = [];
  await expect
    .poll(async () => {
      notices = (await listEmails(address)).filter((m) => m.subject === wizardText.resetEmailSubject);
      return notices.length;
    }, { message: 'the notification arrives' })
    .toBeGreaterThan(0);
  await page.waitForTimeout(1_000);
  notices = (await listEmails(address)).filter((m) => m.subject === wizardText.resetEmailSubject);
  expect(notices).toHaveLength(1);
  const notice = notices[0];
  expect(notice.text).toContain('The password of your account was just reset');
  for (const body of [notice.text, notice.html]) {
    for (const secret of [newPassword, env.password, code]) {
      expect(body).not.toContain(secret);
    }
    expect(body).not.toMatch(/\b\d{6,8}\b/);
  }
  // Only the registered address is told, not the profile's.
  expect(await listEmails('nell@reset.example.net')).toEqual([]);
});

test('every step of the wizard passes the accessibility check', async ({ page }, testInfo) => {
  const address = 'axa.box@mail.example.net';
  await withSession('rw-axe', (s) => registerEmail(s, address));

  await page.goto('/reset');
  await expect(stepHeading(page, wizardText.identify)).toBeVisible();
  await expect(page.locator('#captcha-progress')).toBeVisible();
  await checkAccessibility(page, testInfo);

  await identify(page, 'rw-axe');
  await checkAccessibility(page, testInfo);

  const before = await emailIds(address);
  await choose(page, 'Email', wizardText.proveEmail);
  await expect(page.locator('#code-sent')).toContainText('We sent a code to a***@mail.example.net.');
  await checkAccessibility(page, testInfo);
  const code = codeFrom((await waitForNewEmail(address, before)).text);
  await submitCode(page, code === '12345678' ? '87654321' : '12345678');
  await expect(alertWith(page, wizardText.wrongCode(4))).toBeVisible();
  await checkAccessibility(page, testInfo);
  await submitCode(page, code);

  await expect(stepHeading(page, wizardText.newPassword)).toBeVisible();
  await page.getByLabel('New password', { exact: true }).fill('short');
  await expect(feedbackItems(page)).toHaveText([wizardText.tooShort]);
  await checkAccessibility(page, testInfo);

  await submitNewPassword(page, 'pepper-comet-lagoon-3');
  await expect(stepHeading(page, wizardText.doneChanged)).toBeVisible();
  await checkAccessibility(page, testInfo);
});

test('“Forgot your password?” leads to /reset, and a refresh on any step shows the same step', async ({ page }) => {
  const address = 'rory.r@mail.example.net';
  await withSession('rw-refresh', (s) => registerEmail(s, address));

  await page.goto('/');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page).toHaveURL(/\/reset$/);
  await identify(page, 'rw-refresh');
  const before = await emailIds(address);

  await page.reload();
  await expect(stepHeading(page, wizardText.choose)).toBeVisible();
  await expect(page.getByText(wizardText.firstGate, { exact: true })).toBeVisible();
  await expect(methodChoice(page, 'Email')).toHaveAccessibleName('Email r***@mail.example.net');

  await choose(page, 'Email', wizardText.proveEmail);
  await expect(page.locator('#code-sent')).toContainText('We sent a code to r***@mail.example.net.');
  await page.reload();
  await expect(stepHeading(page, wizardText.proveEmail)).toBeVisible();
  await expect(page.locator('#code-sent')).toContainText('We sent a code to r***@mail.example.net.');

  // The code sent before the refresh still works after it.
  await submitCode(page, codeFrom((await waitForNewEmail(address, before)).text));
  await expect(stepHeading(page, wizardText.newPassword)).toBeVisible();
  await page.reload();
  await expect(stepHeading(page, wizardText.newPassword)).toBeVisible();
});
