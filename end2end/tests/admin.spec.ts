// The admin users list, and who may (not) read it.
import { test, expect, type Page } from '@playwright/test';
import { allUsernames, apiCall, demoUsernames, env, expectApiAnswer, signIn, signInToAccount, signedInAs, submitPasswordChange, text } from './support';

/**
 * Every username the server lists, in its order (by canonical name), read page by page
 * through the API with the page's session. Specs that run earlier may add users (through
 * an import, say), so the UI is compared with what the server holds, which must include
 * every account this run created.
 */
async function listedUsernames(page: Page): Promise<string[]> {
  const names: string[] = [];
  for (let n = 0; ; n++) {
    const response = await apiCall(page.request, 'list_users', { search: '', page: n });
    expect(response.status()).toBe(200);
    const body = await response.json();
    names.push(...body.rows.map((row: { username: string }) => row.username));
    if (body.rows.length < body.page_size) break;
  }
  expect(names).toEqual(expect.arrayContaining(allUsernames));
  return names;
}

function usersTable(page: Page) {
  return page.getByRole('table', { name: 'Users' });
}

/** The username column of the rows on screen. */
function usernameCells(page: Page) {
  return usersTable(page).locator('tbody tr td:first-child');
}

function nextPage(page: Page) {
  return page.getByRole('navigation', { name: 'Pages of users' }).getByRole('button', { name: 'Next page', exact: true });
}

function previousPage(page: Page) {
  return page.getByRole('navigation', { name: 'Pages of users' }).getByRole('button', { name: 'Previous page', exact: true });
}

function resultCount(page: Page) {
  return page.locator('.result-count');
}

/** From the overview the Administration link opens, the Users section's link. */
async function followUsersLink(page: Page) {
  await page.getByRole('link', { name: 'Administration' }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Users', exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByRole('heading', { name: 'Users', exact: true })).toBeVisible();
}

/** Signs the global admin in, opens the users list; the usernames the server lists. */
async function openUsersAsAdmin(page: Page): Promise<string[]> {
  await signInToAccount(page, 'e2e-admin', env.password, 'E2E Admin');
  await followUsersLink(page);
  return listedUsernames(page);
}

test('an admin sees every account, twenty to a page, in username order', async ({ page }) => {
  expect(Object.keys(env.demo).sort()).toEqual([...demoUsernames].sort());
  const sorted = await openUsersAsAdmin(page);
  const pages = Math.ceil(sorted.length / 20);

  await expect(resultCount(page)).toHaveText(`${sorted.length} users found`);
  await expect(page.getByText(`Page 1 of ${pages}`)).toBeVisible();
  await expect(usernameCells(page)).toHaveText(sorted.slice(0, 20));
  await expect(previousPage(page)).toBeDisabled();
  await expect(nextPage(page)).toBeEnabled();

  await nextPage(page).click();
  await expect(page.getByText(`Page 2 of ${pages}`)).toBeVisible();
  await expect(usernameCells(page)).toHaveText(sorted.slice(20, 40));
  await expect(previousPage(page)).toBeEnabled();

  for (let n = 3; n <= pages; n++) {
    await nextPage(page).click();
    await expect(page.getByText(`Page ${n} of ${pages}`)).toBeVisible();
  }
  await expect(usernameCells(page)).toHaveText(sorted.slice((pages - 1) * 20));
  await expect(nextPage(page)).toBeDisabled();

  for (let n = pages - 1; n >= 1; n--) {
    await previousPage(page).click();
    await expect(page.getByText(`Page ${n} of ${pages}`)).toBeVisible();
  }
  await expect(usernameCells(page)).toHaveText(sorted.slice(0, 20));
  await expect(resultCount(page)).toHaveText(`${sorted.length} users found`);
});

test('an admin searching by name sees only the matching users', async ({ page }) => {
  const sorted = await openUsersAsAdmin(page);
  await expect(resultCount(page)).toHaveText(`${sorted.length} users found`);

  await page.getByLabel('Search by name or email').fill('Paging User 1');
  await page.getByRole('button', { name: 'Search' }).click();

  const expected = Array.from({ length: 10 }, (_, i) => `user${10 + i}`);
  await expect(resultCount(page)).toHaveText('10 users found');
  await expect(usernameCells(page)).toHaveText(expected);
  await expect(usersTable(page).locator('tbody tr td:nth-child(2)')).toHaveText(expected.map((u) => `Paging User ${u.slice(4)}`));
  await expect(page.getByText('Page 1 of 1')).toBeVisible();
  await expect(nextPage(page)).toBeDisabled();

  await page.getByLabel('Search by name or email').fill('nobody matches this');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(resultCount(page)).toHaveText('0 users found');
  await expect(page.getByText('No users match this search.')).toBeVisible();
  await expect(usernameCells(page)).toHaveCount(0);
});

test('an admin opening the admin page directly never sees the no-access message', async ({ page }) => {
  await signInToAccount(page, 'e2e-admin', env.password, 'E2E Admin');
  // Record every heading the page ever shows, including ones that flash by.
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { headingsSeen: string[] }).headingsSeen = seen;
    new MutationObserver(() => {
      for (const h of document.querySelectorAll('h1')) {
        const t = h.textContent ?? '';
        if (!seen.includes(t)) seen.push(t);
      }
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await page.goto('/admin/users');
  await expect(resultCount(page)).toHaveText(`${(await listedUsernames(page)).length} users found`);
  const seen = await page.evaluate(() => (window as unknown as { headingsSeen: string[] }).headingsSeen);
  expect(seen).not.toContain(text.noAccess);
});

test('a user who is not an admin sees no users, in the page or through the API', async ({ page }) => {
  await signInToAccount(page, 'erin', env.password, 'Erin Everyday');
  await expect(page.getByRole('link', { name: 'Administration' })).toHaveCount(0);

  await page.goto('/admin');
  await expect(signedInAs(page)).toHaveText('Erin Everyday');
  await expect(page.getByRole('heading', { name: text.noAccess })).toBeVisible();
  await expect(page.getByRole('table')).toHaveCount(0);
  await expect(page.getByText(/users found/)).toHaveCount(0);

  // Her own session cookie, straight at the server function.
  await expectApiAnswer(await apiCall(page.request, 'list_users', { search: '', page: 0 }), 403, 'Forbidden');
});

test('the users API refuses callers without a session or from another site, and bad requests', async ({ request }) => {
  const args = { search: '', page: 0 };
  await expectApiAnswer(await apiCall(request, 'list_users', args), 401, 'NotSignedIn');
  await expectApiAnswer(await apiCall(request, 'list_users', args, { origin: 'https://evil.example' }), 403, 'CrossSite');
  await expectApiAnswer(await apiCall(request, 'list_users', args, { origin: null }), 403, 'CrossSite');
  // Same host, other scheme or port: still another origin.
  await expectApiAnswer(await apiCall(request, 'list_users', args, { origin: env.baseURL.replace('http:', 'https:') }), 403, 'CrossSite');
  await expectApiAnswer(await apiCall(request, 'list_users', args, { origin: `${env.baseURL}/` }), 403, 'CrossSite');

  const malformed = await apiCall(request, 'list_users', undefined, { raw: '{"search": "x", "page": ' });
  expect(malformed.status()).toBe(400);
  expect(Object.keys(await malformed.json())).toEqual(['BadRequest']);

  await expectApiAnswer(await apiCall(request, 'no_such_function', {}), 404, 'NotFound');

  const huge = await apiCall(request, 'list_users', { search: 'x'.repeat(70 * 1024), page: 0 });
  expect(huge.status()).toBe(413);
});

test('the helpdesk admin, once past the one-time password, can read the users list too', async ({ page }) => {
  await signIn(page, 'helpdesk', env.demo.helpdesk);
  await expect(page).toHaveURL(/\/account\/password$/);
  // Until the password is changed the server refuses the list as well.
  await expectApiAnswer(await apiCall(page.request, 'list_users', { search: '', page: 0 }), 403, 'PasswordChangeRequired');

  expect((await submitPasswordChange(page, env.demo.helpdesk, 'granite-willow-compass')).status()).toBe(200);
  await followUsersLink(page);
  const sorted = await listedUsernames(page);
  await expect(resultCount(page)).toHaveText(`${sorted.length} users found`);
  await expect(usernameCells(page)).toHaveText(sorted.slice(0, 20));
});
