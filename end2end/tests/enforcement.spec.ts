// Registration enforcement: with the policy on, signing in leads to the security info page
// until the user registers a method; they may postpone a limited number of times.
// scripts/e2e.sh starts with enforcement off; this spec switches it on through the global
// admin API and always switches it off again.
import { test, expect, type Browser, type BrowserContext } from '@playwright/test';
import * as OTPAuth from 'otpauth';
import { env, signIn, signInToAccount, signOut } from './support';
import { saveRegistrationPolicy } from './reset-support';

const policy = (on: boolean) => ({ require_at_sign_in: on, reconfirm_days: 180, methods_required: 1, postpone_limit: 3, question_count: 3 });

let admin: BrowserContext | undefined;

async function setPolicy(browser: Browser, on: boolean) {
  if (!admin) {
    admin = await browser.newContext();
    const page = await admin.newPage();
    await signInToAccount(page, 'e2e-admin', env.password, 'E2E Admin');
  }
  await saveRegistrationPolicy(admin.request, policy(on));
}

test.afterAll(async ({ browser }) => {
  await setPolicy(browser, false);
  await admin?.close();
});

test('with registration required, a new user is sent to security info, may postpone three times, and gets through once a method is registered', async ({ page, browser }) => {
  test.setTimeout(90_000);
  await setPolicy(browser, true);
  const banner = page.locator('#registration-due');
  const postpone = page.getByRole('button', { name: 'Remind me later' });

  for (let left = 3; left >= 1; left--) {
    await signIn(page, 'si-enforce', env.password);
    await expect(page, `sign-in with ${left} postpone(s) left`).toHaveURL(/\/account\/security-info$/);
    await expect(banner).toContainText('Your organisation asks you to register at least 1 verification method(s) before you continue. You have 0.');
    await expect(banner).toContainText(`You can postpone this ${left} more time(s).`);
    await postpone.click();
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
    // Postponed for this session: a full page load of /account stays there.
    await page.goto('/account');
    await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
    await expect(page).toHaveURL(/\/account$/);
    await signOut(page);
  }

  // The fourth sign-in can no longer postpone.
  await signIn(page, 'si-enforce', env.password);
  await expect(page).toHaveURL(/\/account\/security-info$/);
  await expect(banner).toContainText('You can no longer postpone this: register now to continue.');
  await expect(postpone).toHaveCount(0);
  await page.goto('/account');
  await expect(page).toHaveURL(/\/account\/security-info$/);
  await expect(banner).toBeVisible();

  // Recovery codes are a fallback, not a method: they do not end the requirement.
  await page.locator('#recovery-generate').click();
  await expect(page.locator('#recovery-codes li')).toHaveCount(10);
  await expect(banner).toContainText('You have 0.');

  // An authenticator app does.
  await page.locator('#authenticator-add').click();
  const secret = (await page.locator('#authenticator-secret').innerText()).replace(/\s+/g, '');
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
  await page.locator('#authenticator-code').fill(totp.generate());
  await page.getByRole('region', { name: 'Authenticator app' }).getByRole('button', { name: 'Confirm' }).click();
  await expect(page.locator('#authenticator-status')).toContainText('Registered:');
  await expect(banner).toHaveCount(0);

  await page.goto('/account');
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();

  // And the next sign-in goes straight to the account page.
  await signOut(page);
  await signIn(page, 'si-enforce', env.password);
  await expect(page).toHaveURL(/\/account$/);
  await expect(banner).toHaveCount(0);
});
