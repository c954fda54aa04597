// English and Greek: choosing, remembering and defaulting the language.
import { test, expect, type Page } from '@playwright/test';
import { alertBox, env, submitSignIn, text } from './support';

async function expectGreekSignIn(page: Page) {
  await expect(page.getByRole('heading', { name: 'Σύνδεση' })).toBeVisible();
  await expect(page.getByLabel('Όνομα χρήστη')).toBeVisible();
  await expect(page.getByLabel('Κωδικός πρόσβασης', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Σύνδεση' })).toBeVisible();
  await expect(page.getByLabel('Γλώσσα')).toHaveValue('el-GR');
  await expect(page.locator('html')).toHaveAttribute('lang', 'el-GR');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toHaveCount(0);
}

test('choosing Ελληνικά shows the page in Greek and is remembered after a reload', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  await page.getByLabel('Language').selectOption({ label: 'Ελληνικά' });
  await expectGreekSignIn(page);

  await page.reload();
  await expectGreekSignIn(page);

  // And back again.
  await page.getByLabel('Γλώσσα').selectOption('en');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
});

test('a browser set to Greek starts in Greek', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'el-GR' });
  const page = await context.newPage();
  await page.goto('/');
  await expectGreekSignIn(page);
  await context.close();
});

test('a wrong password in Greek gets the generic error in Greek', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'el-GR' });
  const page = await context.newPage();
  await page.goto('/');
  await expectGreekSignIn(page);
  await page.getByLabel('Όνομα χρήστη').fill('greta');
  await page.getByLabel('Κωδικός πρόσβασης', { exact: true }).fill('λάθος-κωδικός');
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/sign_in')),
    page.getByRole('button', { name: 'Σύνδεση' }).click(),
  ]);
  expect(response.status()).toBe(401);
  await expect(alertBox(page)).toHaveText(text.invalidCredentialsGreek);
  await context.close();
});

test('the chosen language carries over after signing in', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'el-GR' });
  const page = await context.newPage();
  await page.goto('/');
  await page.getByLabel('Όνομα χρήστη').fill('eleni');
  await page.getByLabel('Κωδικός πρόσβασης', { exact: true }).fill(env.demo.eleni);
  await page.getByRole('button', { name: 'Σύνδεση' }).click();
  await expect(page).toHaveURL(/\/account\/password$/);
  await expect(page.getByRole('heading', { name: 'Αλλάξτε τον κωδικό πρόσβασής σας' })).toBeVisible();
  await expect(page.getByText('Πρέπει να ορίσετε νέο κωδικό πρόσβασης πριν συνεχίσετε.')).toBeVisible();
  await expect(page.locator('header .signed-in-as')).toHaveText('Ελένη Παπαδοπούλου');
  await context.close();
});

test('an error already on screen follows a switch of language', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'el-GR' });
  const page = await context.newPage();
  await page.goto('/');
  await page.getByLabel('Γλώσσα').selectOption('en');
  const response = await submitSignIn(page, 'no-such-user-here', 'whatever-it-is');
  expect(response.status()).toBe(401);
  await expect(alertBox(page)).toHaveText(text.invalidCredentials);
  await page.getByLabel('Language').selectOption('el-GR');
  await expect(alertBox(page)).toHaveText(text.invalidCredentialsGreek);
  await context.close();
});
