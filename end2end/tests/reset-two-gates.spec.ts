// Two gates for ordinary users: a global admin sets the reset policy's `methods_required`
// to 2 through the policy API for this file only (registration then asks for two methods
// as well, which the dashboard's save requires), and always puts the saved policies back.
// The tests run one after the other, since the policy is shared by the whole server.
import { test, expect, type APIRequestContext } from '@playwright/test';
import { signInToAccount } from './support';
import {
  apiSession,
  choose,
  methodChoice,
  nextTotp,
  passEmailGate,
  passSmsGate,
  readPolicies,
  registerAuthenticator,
  registerEmail,
  registerPhone,
  registerQuestions,
  savePolicies,
  startReset,
  stepHeading,
  submitCode,
  submitNewPassword,
  withSession,
  wizardText,
  type PolicyEditor,
} from './reset-support';

test.describe.configure({ mode: 'serial', timeout: 60_000 });

let admin: APIRequestContext | undefined;
let saved: PolicyEditor | undefined;

test.beforeAll(async () => {
  admin = await apiSession('e2e-admin');
  saved = await readPolicies(admin);
  const required = Math.max(2, Number(saved.registration.methods_required));
  const two = await savePolicies(admin, {
    reset: { ...saved.reset, methods_required: 2 },
    registration: { ...saved.registration, methods_required: required },
  });
  expect(two.reset.methods_required).toBe(2);
});

test.afterAll(async () => {
  // A fresh session: the one from beforeAll may have ended if a test failed oddly.
  const restore = admin ?? (await apiSession('e2e-admin'));
  try {
    if (saved) {
      const back = await savePolicies(restore, { reset: saved.reset, registration: saved.registration });
      expect(back.reset.methods_required).toBe(saved.reset.methods_required);
    }
  } finally {
    await restore.dispose();
  }
});

test('with two methods required, a user passes an email code and then an authenticator code', async ({ page }) => {
  const address = 'tess.two@mail.example.net';
  const newPassword = 'indigo-ferry-almanac';
  const authenticator = await withSession('rw-two-totp', async (s) => {
    await registerEmail(s, address);
    return registerAuthenticator(s);
  });

  await startReset(page, 'rw-two-totp');
  // Exactly as for anyone else: the first gate does not say that a second follows.
  await expect(page.getByText(wizardText.firstGate, { exact: true })).toBeVisible();
  await expect(page.getByRole('radio')).toHaveCount(2);
  await passEmailGate(page, address, wizardText.choose);

  await expect(page.getByText(wizardText.secondGate)).toBeVisible();
  await expect(methodChoice(page, 'Email')).toHaveCount(0);
  await choose(page, 'Authenticator app', wizardText.proveAuthenticator);
  await expect(page.getByText('Type the code your authenticator app shows now.')).toBeVisible();
  await submitCode(page, nextTotp(authenticator));
  await expect(stepHeading(page, wizardText.newPassword)).toBeVisible();

  await submitNewPassword(page, newPassword);
  await expect(stepHeading(page, wizardText.doneChanged)).toBeVisible();
  await page.goto('/');
  await signInToAccount(page, 'rw-two-totp', newPassword, 'Tess Twofold');
});

test('with two methods required, a user passes an SMS code and then the security questions', async ({ page }) => {
  const number = '+302104000002';
  const newPassword = 'juniper-anvil-lighthouse';
  const answers = await withSession('rw-two-sms', async (s) => {
    await registerPhone(s, '+30 210 400 0002', number);
    return registerQuestions(s);
  });

  await startReset(page, 'rw-two-sms');
  // Exactly as for anyone else: the first gate does not say that a second follows.
  await expect(page.getByText(wizardText.firstGate, { exact: true })).toBeVisible();
  await expect(methodChoice(page, 'Text')).toHaveAccessibleName('Text +30 *** *** **02');
  await passSmsGate(page, number, wizardText.choose);

  await expect(page.getByText(wizardText.secondGate)).toBeVisible();
  await choose(page, 'Security questions', wizardText.proveQuestions);
  const fields = page.locator('input[id^="answer-"]');
  await expect(fields).toHaveCount(answers.size);
  for (let i = 0; i < answers.size; i++) {
    const question = (await page.locator(`label[for="answer-${i}"]`).innerText()).trim();
    expect(answers.has(question), `asked "${question}"`).toBe(true);
    // Answers are compared after normalising case and spaces.
    await page.locator(`#answer-${i}`).fill(`  ${answers.get(question)!.toUpperCase()} `);
  }
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(stepHeading(page, wizardText.newPassword)).toBeVisible();

  await submitNewPassword(page, newPassword);
  await expect(stepHeading(page, wizardText.doneChanged)).toBeVisible();
  await page.goto('/');
  await signInToAccount(page, 'rw-two-sms', newPassword, 'Quin Quizzer');
});
