// Groups: a global admin creates, renames and deletes groups and manages their members; a
// group the reset scope names cannot be deleted.
import { test, expect, type Page, type APIRequestContext } from '@playwright/test';
import { checkAccessibility, env, signInToAccount } from './support';
import { apiSession, readResetPolicy, saveResetPolicy, type ResetPolicy } from './reset-support';

const MEMBER = 'ts-bare';

async function openGroups(page: Page) {
  await signInToAccount(page, 'e2e-admin', env.password, 'E2E Admin');
  await page.goto('/admin/groups');
  await expect(page.getByRole('heading', { level: 1, name: 'Groups' })).toBeVisible();
}

function groupsTable(page: Page) {
  return page.getByRole('table', { name: 'Groups' });
}

function row(page: Page, name: string) {
  return groupsTable(page).getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
}

async function createGroup(page: Page, name: string) {
  await page.getByLabel('New group name').fill(name);
  await page.getByRole('button', { name: 'Create group' }).click();
}

function panel(page: Page) {
  return page.locator('.group-panel');
}

let admin: APIRequestContext | undefined;
let saved: ResetPolicy | undefined;

test.afterAll(async () => {
  // Put back the reset policy if the scope test changed it.
  if (admin && saved) await saveResetPolicy(admin, saved);
  await admin?.dispose();
});

test('a global admin creates a group, adds and removes a member, renames and deletes it', async ({ page }, testInfo) => {
  await openGroups(page);
  await createGroup(page, 'E2E Team');
  await expect(page.getByRole('status').filter({ hasText: 'Group E2E Team created.' })).toBeVisible();
  await expect(row(page, 'E2E Team')).toContainText('0');
  await expect(panel(page).getByRole('heading', { name: 'E2E Team' })).toBeVisible();
  await expect(panel(page).getByRole('heading', { name: 'Members (0)' })).toBeVisible();

  // The same name in another case is taken; the problem is shown under the field.
  await createGroup(page, 'e2e team');
  await expect(page.locator('#group-name-problem')).toHaveText('This name is already in use.');

  await panel(page).getByLabel('Username to add').fill(MEMBER);
  await panel(page).getByRole('button', { name: 'Add member' }).click();
  await expect(panel(page).getByRole('heading', { name: 'Members (1)' })).toBeVisible();
  await expect(panel(page).getByRole('listitem')).toHaveCount(1);
  await expect(panel(page).getByRole('listitem')).toContainText(`${MEMBER} · Tia Bare`);
  await expect(row(page, 'E2E Team').getByRole('cell').first()).toHaveText('1');

  await panel(page).getByLabel('Username to add').fill('nobody-by-this-name');
  await panel(page).getByRole('button', { name: 'Add member' }).click();
  await expect(page.locator('#group-member-problem')).toHaveText('There is no user with this name.');
  await checkAccessibility(page, testInfo);

  await panel(page).getByLabel('New name').fill('E2E Crew');
  await panel(page).getByRole('button', { name: 'Rename' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Group renamed to E2E Crew.' })).toBeVisible();
  await expect(row(page, 'E2E Crew')).toBeVisible();
  await expect(row(page, 'E2E Team')).toHaveCount(0);
  await expect(panel(page).getByRole('heading', { name: 'E2E Crew' })).toBeVisible();
  await expect(panel(page).getByRole('heading', { name: 'Members (1)' })).toBeVisible();

  await panel(page).getByRole('button', { name: `Remove ${MEMBER} from E2E Crew` }).click();
  await expect(panel(page).getByRole('heading', { name: 'Members (0)' })).toBeVisible();
  await expect(panel(page).getByText('No members.')).toBeVisible();

  await panel(page).getByRole('button', { name: 'Delete group' }).click();
  await expect(panel(page)).toContainText('Delete the group E2E Crew?');
  await panel(page).getByRole('button', { name: 'Yes, delete' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Group E2E Crew deleted.' })).toBeVisible();
  await expect(row(page, 'E2E Crew')).toHaveCount(0);
  await expect(panel(page)).toHaveCount(0);
});

test('a group in the reset scope is marked and cannot be deleted', async ({ page }, testInfo) => {
  await openGroups(page);
  await createGroup(page, 'E2E Scoped');
  await expect(row(page, 'E2E Scoped')).toBeVisible();

  admin = await apiSession('e2e-admin');
  saved = await readResetPolicy(admin);
  await saveResetPolicy(admin, { ...saved, scope: { Groups: ['E2E Scoped'] } });

  await page.reload();
  await expect(row(page, 'E2E Scoped')).toContainText('In the reset scope');
  await row(page, 'E2E Scoped').getByRole('button', { name: 'Manage E2E Scoped' }).click();
  await expect(panel(page)).toContainText("The password reset policy's scope names this group");
  await panel(page).getByRole('button', { name: 'Delete group' }).click();
  await panel(page).getByRole('button', { name: 'Yes, delete' }).click();
  await expect(page.getByRole('alert').filter({ hasText: "This group is in the password reset policy's scope, so it cannot be deleted." })).toBeVisible();
  await expect(row(page, 'E2E Scoped')).toBeVisible();
  await checkAccessibility(page, testInfo);

  // Back to the saved scope, the group goes.
  await saveResetPolicy(admin, saved);
  saved = undefined;
  await page.reload();
  await row(page, 'E2E Scoped').getByRole('button', { name: 'Manage E2E Scoped' }).click();
  await panel(page).getByRole('button', { name: 'Delete group' }).click();
  await panel(page).getByRole('button', { name: 'Yes, delete' }).click();
  await expect(row(page, 'E2E Scoped')).toHaveCount(0);
});
