// sspr in `ldap` mode in front of a real directory (scripts/e2e-directory.sh runs this file
// once against OpenLDAP and once against Samba AD, each with its own server): a person of
// the directory resets their password in the wizard with a code sent to the directory's own
// mail, sign-in (a bind as the person) then takes the new password and not the old one, and
// a password the directory refuses (history or complexity) is explained on the
// new-password step, which stays until another password goes through.
import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { env, signInToAccount, signOut, submitSignIn, text } from '../support';
import { alertWith, methodChoice, passEmailGate, startReset, stepHeading, submitNewPassword, wizardText } from '../reset-support';

/** What scripts/e2e-directory.sh says about the directory and the person in it. */
type Directory = {
  name: string;
  user: string;
  email: string;
  displayName: string;
  /** The password the directory was loaded with. */
  oldPassword: string;
  /** The first reset's password, then the second's. */
  new: string;
  second: string;
  /** A password sspr's own rules pass and the directory refuses, and the refusal's key. */
  refused: string;
  refusal: string;
};

const directory = (env as unknown as { directory: Directory }).directory;

/** The refusal's English text, as the UI words it (ui/locales/password.en.json). */
const refusalText: string = JSON.parse(
  readFileSync(join(__dirname, '..', '..', '..', 'ui', 'locales', 'password.en.json'), 'utf8'),
)[`problem.directory_${directory.refusal}`];

// The second test starts from the password the first one set.
test.describe.configure({ mode: 'serial', timeout: 90_000 });

/** Walks the wizard through the email gate, with the code sent to the directory's mail. */
async function toNewPassword(page: Page) {
  await startReset(page, directory.user);
  // Nobody registered anything in sspr: the address is the directory's, shown masked.
  const [local, domain] = directory.email.split('@');
  await expect(methodChoice(page, 'Email')).toHaveAccessibleName(`Email ${local[0]}***@${domain}`);
  await passEmailGate(page, directory.email, wizardText.newPassword);
}

/** Sign-in binds as the person: `good` opens the account, each of `bad` is refused. */
async function expectOnlySignIn(page: Page, good: string, bad: string[]) {
  await page.goto('/');
  await signInToAccount(page, directory.user, good, directory.displayName);
  await signOut(page);
  for (const password of bad) {
    const refused = await submitSignIn(page, directory.user, password);
    expect(refused.status(), 'a password the directory no longer has').toBe(401);
    await expect(page.getByRole('alert').filter({ hasText: text.invalidCredentials })).toBeVisible();
  }
}

test(`${directory.name}: a reset with a code sent to the directory's mail changes the directory password`, async ({ page }) => {
  expect(refusalText, `problem.directory_${directory.refusal} in the locale`).toBeTruthy();
  // The password the directory was loaded with signs in: sign-in asks the directory.
  await expectOnlySignIn(page, directory.oldPassword, []);

  await toNewPassword(page);
  await submitNewPassword(page, directory.new);
  await expect(stepHeading(page, wizardText.doneChanged)).toBeVisible();

  await expectOnlySignIn(page, directory.new, [directory.oldPassword]);
});

test(`${directory.name}: a password the directory refuses is explained and the wizard stays for another`, async ({ page }) => {
  await toNewPassword(page);
  await submitNewPassword(page, directory.refused);
  await expect(alertWith(page, refusalText)).toBeVisible();
  await expect(stepHeading(page, wizardText.newPassword)).toBeVisible();

  await submitNewPassword(page, directory.second);
  await expect(stepHeading(page, wizardText.doneChanged)).toBeVisible();

  await expectOnlySignIn(page, directory.second, [directory.new, directory.oldPassword]);
});
