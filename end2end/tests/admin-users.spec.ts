// The admin users section: filters, the user page, a helpdesk password reset that the
// user must follow with a password change, CSV export and an import preview (which
// writes nothing, so the users admin spec's counts stay exact).
import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { apiCall, checkAccessibility, env, expectApiAnswer, signIn, signInToAccount, signOut, submitPasswordChange, text } from './support';

function usersTable(page: Page) {
  return page.getByRole('table', { name: 'Users', exact: true });
}

function usernameCells(page: Page) {
  return usersTable(page).locator('tbody tr td:first-child');
}

async function search(page: Page, filters: { text?: string; group?: string; status?: string }) {
  await page.getByLabel('Search by name or email').fill(filters.text ?? '');
  await page.getByLabel('Group', { exact: true }).selectOption(filters.group ?? '');
  await page.getByLabel('Status', { exact: true }).selectOption(filters.status ?? '');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
}

test('a helpdesk admin finds a user with the filters and the list passes the accessibility check', async ({ page }, testInfo) => {
  await signInToAccount(page, 'rw-admin', env.password, 'Ada Overseer');
  await page.goto('/admin/users');
  await expect(page.locator('.result-count')).toHaveText(/^\d+ users found$/);

  await search(page, { group: 'UxDesk' });
  await expect(page.locator('.result-count')).toHaveText('2 users found');
  await expect(usernameCells(page)).toHaveText(['ux-pat', 'ux-sam']);

  await search(page, { text: 'Sam Filt', group: 'UxDesk', status: 'enabled' });
  await expect(usernameCells(page)).toHaveText(['ux-sam']);
  await search(page, { text: 'Sam Filt', status: 'disabled' });
  await expect(page.locator('.result-count')).toHaveText('0 users found');

  // Helpdesk admins neither create, import nor export.
  await expect(page.getByRole('button', { name: 'Export CSV' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Create a user' })).toHaveCount(0);
  await expectApiAnswer(await apiCall(page.request, 'export_users', { search: '', group: null, status: null }), 403, 'Forbidden');

  await search(page, { group: 'UxDesk' });
  await expect(usernameCells(page)).toHaveText(['ux-pat', 'ux-sam']);
  await checkAccessibility(page, testInfo);
});

test('a helpdesk admin resets a password; the temporary one signs the user in and must be changed first', async ({ page, browser }, testInfo) => {
  await signInToAccount(page, 'rw-admin', env.password, 'Ada Overseer');
  await page.goto('/admin/users');
  await search(page, { text: 'ux-pat' });
  await usersTable(page).getByRole('link', { name: 'ux-pat' }).click();
  await expect(page).toHaveURL(/\/admin\/users\/ux-pat$/);
  await expect(page.getByRole('heading', { name: 'Pat Temporary', level: 1 })).toBeVisible();
  // A helpdesk admin sees the helpdesk actions only.
  await expect(page.getByRole('button', { name: 'Reset password' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out everywhere' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Disable' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Edit profile' })).toHaveCount(0);
  await checkAccessibility(page, testInfo);

  await page.getByRole('button', { name: 'Reset password' }).click();
  const shown = page.locator('.temp-password code');
  await expect(shown).toHaveText(/^\S{20}$/);
  const temporary = (await shown.textContent()) ?? '';

  // Shown once: the page opened again does not show it.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Pat Temporary', level: 1 })).toBeVisible();
  await expect(page.locator('.temp-password')).toHaveCount(0);
  await expect(page.getByRole('cell', { name: 'password_set_by_admin' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'rw-admin' }).first()).toBeVisible();

  // The user signs in with it and is sent to change it before anything else.
  const context = await browser.newContext();
  const user = await context.newPage();
  expect((await signIn(user, 'ux-pat', env.password)).status()).toBe(401);
  expect((await signIn(user, 'ux-pat', temporary)).status()).toBe(200);
  await expect(user).toHaveURL(/\/account\/password$/);
  await expect(user.getByText(text.mustChange)).toBeVisible();
  await user.goto('/account');
  await expect(user).toHaveURL(/\/account\/password$/);
  expect((await submitPasswordChange(user, temporary, 'velvet-harbour-lantern')).status()).toBe(200);
  await user.goto('/account');
  await expect(user).toHaveURL(/\/account$/);
  await signOut(user);
  // The temporary password worked once.
  expect((await signIn(user, 'ux-pat', temporary)).status()).toBe(401);
  await context.close();
});

test('a helpdesk admin cannot act on another admin', async ({ page }) => {
  await signInToAccount(page, 'rw-admin', env.password, 'Ada Overseer');
  await page.goto('/admin/users/e2e-admin');
  await expect(page.getByRole('heading', { name: 'E2E Admin', level: 1 })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Reset password' })).toHaveCount(0);
  await expectApiAnswer(await apiCall(page.request, 'reset_user_password', { username: 'e2e-admin' }), 403, 'Forbidden');
});

test('a global admin exports the listed users as CSV and checks an import without writing anything', async ({ page }) => {
  await signInToAccount(page, 'e2e-admin', env.password, 'E2E Admin');
  await page.goto('/admin/users');
  await search(page, { group: 'UxDesk' });
  await expect(usernameCells(page)).toHaveText(['ux-pat', 'ux-sam']);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toBe('users.csv');
  const csv = readFileSync(await download.path(), 'utf8');
  expect(csv.split('\n').filter((line) => line !== '')).toEqual([
    'username,display_name,email,phone,groups,status',
    'ux-pat,Pat Temporary,pat@users.example.net,,UxDesk,enabled',
    'ux-sam,Sam Filtered,sam@users.example.net,,UxDesk,enabled',
  ]);

  const before = await (await apiCall(page.request, 'list_users', { search: '', page: 0 })).json();
  await page.getByLabel('CSV file').setInputFiles({
    name: 'new.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('username,display_name,email,phone,groups\nux-new,New Person,,,UxDesk\nux-pat,Pat Again,,,\nbad name,Space,,,\n'),
  });
  await page.getByRole('button', { name: 'Check file' }).click();
  await expect(page.locator('.import-summary')).toHaveText('1 rows can be imported and 2 rows have problems. Nothing has been written yet.');
  const problems = page.getByRole('table', { name: 'Rows with problems' });
  await expect(problems.locator('tbody tr')).toHaveCount(2);
  await expect(problems.locator('tbody tr').first()).toContainText('A user with this username already exists.');
  await expect(page.getByRole('button', { name: 'Import valid rows' })).toBeVisible();
  const after = await (await apiCall(page.request, 'list_users', { search: '', page: 0 })).json();
  expect(after.total).toBe(before.total);
});

test('a global admin sees every action; a bad email in the profile is refused at the field and saves nothing', async ({ page }, testInfo) => {
  await signInToAccount(page, 'e2e-admin', env.password, 'E2E Admin');
  await page.goto(`/admin/users/${encodeURIComponent('ux-sam')}`);
  await expect(page.getByRole('heading', { name: 'Sam Filtered', level: 1 })).toBeVisible();
  for (const name of ['Reset password', 'Sign out everywhere', 'Require re-registration', 'Disable', 'Edit profile']) {
    await expect(page.getByRole('button', { name, exact: true })).toBeVisible();
  }
  await page.getByRole('button', { name: 'Edit profile' }).click();
  const email = page.locator('form.edit-user').getByLabel('Email');
  await email.fill('not an address');
  await page.locator('form.edit-user').getByRole('button', { name: 'Save' }).click();
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  await checkAccessibility(page, testInfo);

  await page.reload();
  await expect(page.getByRole('heading', { name: 'Sam Filtered', level: 1 })).toBeVisible();
  await expect(page.locator('.profile-row').filter({ hasText: 'Email' }).locator('dd')).toHaveText('sam@users.example.net');
});
