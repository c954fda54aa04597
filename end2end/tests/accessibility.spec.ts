// Every page passes axe, and the sign-in works with the keyboard alone.
import { test, expect } from '@playwright/test';
import { alertBox, checkAccessibility, env, signInToAccount, signedInAs, submitSignIn, text } from './support';

test('the sign-in page passes the accessibility check', async ({ page }, testInfo) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await checkAccessibility(page, testInfo);
});

test('the sign-in page with an error shown passes the accessibility check', async ({ page }, testInfo) => {
  await page.goto('/');
  await submitSignIn(page, 'nobody-for-axe', 'wrong-password');
  await expect(alertBox(page)).toHaveText(text.invalidCredentials);
  await checkAccessibility(page, testInfo);
});

test('the account page passes the accessibility check', async ({ page }, testInfo) => {
  await signInToAccount(page, 'ally', env.password, 'Ally Access');
  await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
  await expect(page.getByText('ally@example.org')).toBeVisible();
  await checkAccessibility(page, testInfo);
});

test('the change-password page with a live problem shown passes the accessibility check', async ({ page }, testInfo) => {
  await signInToAccount(page, 'chad', env.password, 'Chad Checker');
  await page.goto('/account/password');
  const field = page.getByLabel('New password', { exact: true });
  await field.fill('short');
  await expect(page.getByText(text.tooShort)).toBeVisible();
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toHaveAccessibleDescription(text.tooShort);
  await checkAccessibility(page, testInfo);

  await field.fill('long enough now');
  await expect(page.getByText(text.tooShort)).toBeHidden();
  await expect(field).toHaveAttribute('aria-invalid', 'false');
});

test('the admin users list passes the accessibility check', async ({ page }, testInfo) => {
  await signInToAccount(page, 'e2e-admin', env.password, 'E2E Admin');
  await page.goto('/admin/users');
  await expect(page.getByRole('table', { name: 'Users' })).toBeVisible();
  await expect(page.getByText(/^\d+ users found$/)).toBeVisible();
  await checkAccessibility(page, testInfo);
});

test('the no-access page passes the accessibility check', async ({ page }, testInfo) => {
  await signInToAccount(page, 'nora', env.password, 'Nora Noaccess');
  await page.goto('/admin');
  await expect(signedInAs(page)).toHaveText('Nora Noaccess');
  await expect(page.getByRole('heading', { name: text.noAccess })).toBeVisible();
  await checkAccessibility(page, testInfo);
});

test('the page-not-found page passes the accessibility check', async ({ page }, testInfo) => {
  await page.goto('/no/such/page');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Go to the start page' })).toBeVisible();
  await checkAccessibility(page, testInfo);
});

test('the Greek sign-in page passes the accessibility check', async ({ browser }, testInfo) => {
  const context = await browser.newContext({ locale: 'el-GR' });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Σύνδεση' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'el-GR');
  await checkAccessibility(page, testInfo);
  await context.close();
});

test('a keyboard user can tab to the fields, type and sign in with Enter', async ({ page }) => {
  await page.goto('/');
  const username = page.getByLabel('Username');
  const password = page.getByLabel('Password', { exact: true });
  await expect(username).toBeVisible();

  let tabs = 0;
  while (!(await username.evaluate((el) => el === document.activeElement)) && tabs < 10) {
    await page.keyboard.press('Tab');
    tabs++;
  }
  await expect(username).toBeFocused();
  await page.keyboard.type('kim');
  await page.keyboard.press('Tab');
  await expect(password).toBeFocused();
  await page.keyboard.type(env.password);
  await page.keyboard.press('Enter');

  await expect(page).toHaveURL(/\/account$/);
  await expect(signedInAs(page)).toHaveText('Kim Keyboard');
});

test('the first Tab reaches a skip link that moves focus to the main content', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();
});

test('after a failed sign-in the focus is on the error', async ({ page }) => {
  await page.goto('/');
  await submitSignIn(page, 'nobody-for-focus', 'wrong-password');
  await expect(alertBox(page)).toHaveText(text.invalidCredentials);
  await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('alert');
  await expect(alertBox(page)).toBeFocused();

  // A second failure with the same words moves focus there again.
  await page.getByLabel('Password', { exact: true }).focus();
  await submitSignIn(page, 'nobody-for-focus', 'wrong-again');
  await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('alert');
});
