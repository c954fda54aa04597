// The overview, the reports and the audit log, as a reports reader: read views only.
import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { checkAccessibility, env, signInToAccount } from './support';

async function openAsReader(page: Page, path: string, heading: string) {
  await signInToAccount(page, 'rr-reader', env.password, 'Rita Reader');
  await page.goto(path);
  await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
}

/** The names of the buttons in the admin section (not the header's). */
async function sectionButtons(page: Page) {
  return page.locator('.admin-body button').allInnerTexts();
}

test('a reports reader sees the overview, with only the sections it may open and no buttons', async ({ page }, testInfo) => {
  await openAsReader(page, '/admin', 'Overview');
  const nav = page.getByRole('navigation', { name: 'Admin sections' });
  await expect(nav.getByRole('link')).toHaveText(['Overview', 'Audit log', 'Reports']);
  await expect(page.getByRole('heading', { name: 'Self-service password reset' })).toBeVisible();
  await expect(page.locator('.overview .scope')).toHaveText(/^(On|Off) for /);
  const users = page.getByRole('table', { name: 'Users' });
  await expect(users.getByRole('row', { name: /^All users \d+$/ })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Activity' }).getByRole('columnheader')).toHaveText(['Last 7 days', 'Last 30 days']);
  await expect(page.getByRole('heading', { name: 'Needs attention' })).toBeVisible();
  // A reader may not open the users page, the troubleshooter or the outbox: no links there.
  await expect(page.locator('.admin-body a[href="/admin/users"], .admin-body a[href="/admin/troubleshoot"], .admin-body a[href="/admin/outbox"]')).toHaveCount(0);
  expect(await sectionButtons(page)).toEqual([]);
  await checkAccessibility(page, testInfo);
});

test('a global admin sees what needs attention linked to the sections that fix it', async ({ page }) => {
  await signInToAccount(page, 'e2e-admin', env.password, 'E2E Admin');
  await page.goto('/admin');
  // The CLI admins have no methods registered, so some users cannot reset.
  const item = page.locator('.attention li').filter({ hasText: /\d+ users cannot reset: they have no method registered\./ });
  await expect(item.getByRole('link', { name: 'Users' })).toHaveAttribute('href', '/admin/users');
  await expect(item.getByRole('link', { name: 'Troubleshooter' })).toHaveAttribute('href', '/admin/troubleshoot');
  await item.getByRole('link', { name: 'Troubleshooter' }).click();
  await expect(page).toHaveURL(/\/admin\/troubleshoot$/);
});

test('a reports reader sees charts with accessible names and tables of the same numbers', async ({ page }, testInfo) => {
  await openAsReader(page, '/admin/reports', 'Reports');
  const names = [
    'Resets and unlocks per day',
    'Completed versus failed or refused, per day',
    'Checks passed by method',
    'Registration coverage (users at the end of each day)',
  ];
  for (const name of names) {
    await expect(page.getByRole('img', { name, exact: true })).toBeVisible();
  }
  await expect(page.locator('svg[role="img"]')).toHaveCount(4);
  expect(await sectionButtons(page)).toEqual([]);

  // Each chart's numbers are in a table that opens from its summary.
  const perDay = page.locator('figure.chart').first();
  await perDay.getByText('Show the numbers').click();
  const table = perDay.getByRole('table', { name: names[0] });
  await expect(table).toBeVisible();
  await expect(table.getByRole('columnheader')).toHaveText(['Day', 'Password resets', 'Unlocks']);
  await expect(table.locator('tbody tr')).toHaveCount(30);
  await expect(table.locator('tbody tr th').last()).toHaveText(/^\d{4}-\d{2}-\d{2}$/);
  const methods = page.locator('figure.chart').nth(2);
  await methods.getByText('Show the numbers').click();
  await expect(methods.locator('tbody tr th')).toHaveText([
    'Email',
    'Mobile phone (SMS)',
    'Authenticator app',
    'Security questions',
    'Recovery codes',
  ]);
  await checkAccessibility(page, testInfo);
});

test('a reports reader verifies, filters and exports the audit log', async ({ page }, testInfo) => {
  await openAsReader(page, '/admin/audit', 'Audit log');
  const log = page.getByRole('table', { name: 'Audit log' });
  await expect(log).toBeVisible();

  // Verifying is a read, and is itself audited under the reader's name.
  await page.getByRole('button', { name: 'Verify integrity' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The chain is intact.' })).toBeVisible();

  await page.getByLabel('User (account or admin)').fill('rr-reader');
  await page.getByLabel('Event', { exact: true }).selectOption({ label: 'Audit log verified' });
  await page.getByRole('button', { name: 'Apply filter' }).click();
  const rows = log.locator('tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first().locator('td').nth(1)).toHaveText('Audit log verified');
  await expect(rows.first().locator('td').nth(3)).toHaveText('rr-reader');
  await expect(rows.first().locator('td').nth(5)).toHaveText('Success');

  // An unknown user is a field error, and the table keeps what it showed.
  await page.getByLabel('User (account or admin)').fill('nobody-at-all');
  await page.getByRole('button', { name: 'Apply filter' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'There is no user with this name.' })).toBeVisible();
  await page.getByLabel('User (account or admin)').fill('rr-reader');
  await page.getByRole('button', { name: 'Apply filter' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'There is no user with this name.' })).toBeHidden();

  // The export is the filtered set, downloaded as a file.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('audit-log.csv');
  const lines = readFileSync(await file.path(), 'utf8').trim().split('\n');
  expect(lines[0]).toBe('id,time_utc,unix_time,event,account,actor,ip,outcome,detail');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toMatch(/^\d+,\d{4}-\d{2}-\d{2}T[\d:]+Z,\d+,audit_verified,,rr-reader,[^,]+,success,/);
  await expect(page.getByRole('status').filter({ hasText: '1 events exported.' })).toBeVisible();

  // The export was audited too: it shows once the filter asks for it.
  await page.getByLabel('Event', { exact: true }).selectOption({ label: 'Audit log exported' });
  await page.getByRole('button', { name: 'Apply filter' }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first().locator('td').nth(1)).toHaveText('Audit log exported');

  // A time range: today (UTC) holds these events, a later day holds none.
  const today = new Date().toISOString().slice(0, 10);
  await page.getByLabel('From (UTC date)').fill(today);
  await page.getByLabel('To (UTC date)').fill(today);
  await page.getByRole('button', { name: 'Apply filter' }).click();
  await expect(rows).toHaveCount(1);
  await page.getByLabel('From (UTC date)').fill('2099-01-01');
  await page.getByLabel('To (UTC date)').fill('2099-01-31');
  await page.getByRole('button', { name: 'Apply filter' }).click();
  await expect(page.getByText('No events match this filter.')).toBeVisible();
  await expect(rows).toHaveCount(0);

  // Only reads here: filter, export, verify and the pager.
  expect((await sectionButtons(page)).sort()).toEqual(
    ['Apply filter', 'Export CSV', 'Newest', 'Next page', 'Previous page', 'Verify integrity'].sort(),
  );
  await checkAccessibility(page, testInfo);
});
