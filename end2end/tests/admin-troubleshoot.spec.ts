// The troubleshooter: an admin types a username and reads, check by check, why that user
// can or cannot reset their password now, with a link to where the fix is.
import { test, expect, type Page } from '@playwright/test';
import { apiCall, checkAccessibility, env, signInToAccount, waitForEmail } from './support';

// Fixture users of this spec only (end2end/fixtures/users.csv): neither has security info.
const BARE = 'ts-bare';
const LOCKED = 'ts-locked';

async function openTroubleshooter(page: Page, admin = 'e2e-admin', displayName = 'E2E Admin') {
  await signInToAccount(page, admin, env.password, displayName);
  await page.goto('/admin/troubleshoot');
  await expect(page.getByRole('heading', { level: 1, name: 'Troubleshooter' })).toBeVisible();
}

async function troubleshoot(page: Page, user: string) {
  await page.getByLabel('Username or email address').fill(user);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/troubleshoot_user')),
    page.getByRole('button', { name: 'Check', exact: true }).click(),
  ]);
  expect(response.status()).toBe(200);
  await expect(page.getByRole('heading', { name: `Checks for ${user}` })).toBeVisible();
}

/** One check of the report, found by its title. */
function check(page: Page, title: string) {
  return page.getByRole('list', { name: 'Checks' }).getByRole('listitem').filter({ has: page.getByRole('heading', { name: title }) });
}

function verdict(page: Page) {
  return page.locator('.trouble-report .verdict');
}

test('a user without registered methods is told so, with the fix on their user page', async ({ page }, testInfo) => {
  await openTroubleshooter(page);
  await troubleshoot(page, BARE);

  await expect(verdict(page)).toHaveText(`${BARE} cannot reset their password: they have not registered enough of the methods the policy allows.`);
  await expect(check(page, 'Account exists')).toContainText('Pass');
  await expect(check(page, 'Account enabled')).toContainText('Pass');
  const methods = check(page, 'Verification methods');
  await expect(methods.getByRole('heading')).toHaveText('Verification methods Fail');
  await expect(methods).toContainText('Registered: none.');
  await expect(methods).toContainText('Usable for a reset: none. Needed: 1.');
  await expect(methods.getByRole('link', { name: 'Open the password reset policy' })).toHaveAttribute('href', '/admin/reset-policy');
  await checkAccessibility(page, testInfo);

  await methods.getByRole('link', { name: `Open the page of ${BARE}` }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/users/${BARE}$`));
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
});

test('a locked user is explained: the lock until when, and that a reset still works', async ({ page, request }, testInfo) => {
  // Ten wrong passwords lock the account (the default threshold). Sign-in answers each like
  // any wrong password; the lock shows in the mail its owner gets.
  for (let attempt = 1; attempt <= 10; attempt++) {
    const response = await apiCall(request, 'sign_in', { username: LOCKED, password: `wrong-guess-${attempt}` });
    expect(response.status(), `attempt ${attempt}`).toBe(401);
  }
  const mail = await waitForEmail('theo@trouble.example.net');
  expect(mail.subject, 'the account locked').toBe('Your account is locked for a while');

  await openTroubleshooter(page);
  await troubleshoot(page, LOCKED);
  const lock = check(page, 'Sign-in lock');
  await expect(lock.getByRole('heading')).toHaveText('Sign-in lock Warning');
  await expect(lock).toContainText('The account is locked after too many failed sign-ins until');
  await expect(lock).toContainText('A password reset ends the lock');
  // Locked is not why they cannot reset: they have no methods either.
  await expect(verdict(page)).toContainText('they have not registered enough of the methods');
  await checkAccessibility(page, testInfo);

  await lock.getByRole('link', { name: `Open the page of ${LOCKED}` }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/users/${LOCKED}$`));
});

test('a helpdesk admin troubleshoots too, an unknown name is no such user, and policy fixes are left to global admins', async ({ page }) => {
  await openTroubleshooter(page, 'rw-admin', 'Ada Overseer');
  await troubleshoot(page, 'nobody-by-this-name');
  await expect(verdict(page)).toHaveText('There is no such user. (The reset wizard does not tell visitors this.)');
  await expect(check(page, 'Account exists')).toContainText('Fail');
  await expect(page.getByRole('list', { name: 'Checks' }).getByRole('listitem')).toHaveCount(1);

  await troubleshoot(page, BARE);
  const methods = check(page, 'Verification methods');
  await expect(methods.getByRole('link', { name: `Open the page of ${BARE}` })).toBeVisible();
  await expect(methods.getByRole('link', { name: 'Open the password reset policy' })).toHaveCount(0);
  await expect(methods).toContainText('A global admin can change this.');
});

test('an empty name is refused beside the field', async ({ page }) => {
  await openTroubleshooter(page);
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await expect(page.locator('#trouble-user-problem')).toHaveText('This field is required.');
  await expect(page.getByLabel('Username or email address')).toHaveAttribute('aria-invalid', 'true');
});
