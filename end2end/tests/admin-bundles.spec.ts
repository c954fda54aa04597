// The dashboard is three bundles (app::domain::AdminBundle): the section links move in
// place within a bundle and load the page of another, and every section opens directly.
import { test, expect, type Page } from '@playwright/test';
import { env, signInToAccount } from './support';

/** Marks the loaded page; a full page load loses the mark, moving in place keeps it. */
async function mark(page: Page) {
  await page.evaluate(() => { (window as unknown as { marked: boolean }).marked = true; });
}
async function marked(page: Page) {
  return page.evaluate(() => (window as unknown as { marked?: boolean }).marked === true);
}

async function open(page: Page, link: string, path: string, heading = link) {
  await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: link, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`${path}$`));
  await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
}

test('section links move in place within a bundle and load another bundle', async ({ page }) => {
  await signInToAccount(page, 'e2e-admin', env.password, 'E2E Admin');
  await page.goto('/admin');
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  await mark(page);
  await open(page, 'Users', '/admin/users');
  expect(await marked(page)).toBe(true);

  await open(page, 'Audit log', '/admin/audit');
  expect(await marked(page)).toBe(false);
  await mark(page);
  await open(page, 'Outbox', '/admin/outbox');
  expect(await marked(page)).toBe(true);

  await open(page, 'Password reset policy', '/admin/reset-policy');
  expect(await marked(page)).toBe(false);
  await mark(page);
  await open(page, 'Groups', '/admin/groups');
  expect(await marked(page)).toBe(true);

  await open(page, 'Overview', '/admin');
  expect(await marked(page)).toBe(false);
});

test('every section opens from its address and after a reload', async ({ page }) => {
  await signInToAccount(page, 'e2e-admin', env.password, 'E2E Admin');
  const sections: [string, string][] = [
    ['/admin/troubleshoot', 'Troubleshooter'],
    ['/admin/password-policy', 'Password policy'],
    ['/admin/reports', 'Reports'],
    ['/admin/delivery/', 'Delivery'],
  ];
  for (const [path, heading] of sections) {
    await page.goto(path);
    await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
    await page.reload();
    await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
  }
  // Unknown admin addresses get the main bundle's "not found".
  await page.goto('/admin/no-such-section');
  await expect(page.getByRole('link', { name: 'Go to the start page' })).toBeVisible();
});
