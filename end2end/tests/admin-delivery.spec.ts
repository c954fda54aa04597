// Delivery: a global admin reads and changes the SMTP settings (the password is write-only),
// sends a test email that arrives in maildev, and sees it sent in the outbox; a helpdesk
// admin is refused, on the page and by the API.
import { test, expect, type Page, type APIRequestContext } from '@playwright/test';
import { apiCall, checkAccessibility, env, expectApiAnswer, signInToAccount, waitForEmail, waitForSms } from './support';
import { apiSession, ok } from './reset-support';

const TEST_TO = 'delivery-test@e2e.test';
const TEST_PHONE = '+306900000777';
const SMTP_PASSWORD = 'e2e-smtp-Secret-9';

type Settings = {
  mode: string;
  smtp: Record<string, unknown> & { has_password: boolean; clear_password: boolean; password: string };
  sms: Record<string, unknown>;
  revision: number;
};

let admin: APIRequestContext | undefined;
let original: Settings | undefined;

test.beforeAll(async () => {
  admin = await apiSession('e2e-admin');
  original = await ok<Settings>(admin, 'get_delivery_settings');
});

test.afterAll(async () => {
  // Put back the settings the server started with (from the environment), if a test
  // changed them. The harness runs without an SMTP password, so clearing restores it.
  if (admin && original) {
    const now = await ok<Settings>(admin, 'get_delivery_settings');
    if (now.revision !== original.revision) {
      await ok(admin, 'save_delivery_settings', {
        settings: {
          ...original,
          smtp: { ...original.smtp, password: '', clear_password: !original.smtp.has_password },
          revision: now.revision,
        },
      });
    }
  }
  await admin?.dispose();
});

async function openDelivery(page: Page) {
  await signInToAccount(page, 'e2e-admin', env.password, 'E2E Admin');
  await page.goto('/admin/delivery');
  await expect(page.getByRole('heading', { level: 1, name: 'Delivery' })).toBeVisible();
  await expect(page.getByLabel('SMTP server')).toHaveValue('127.0.0.1');
}

test('the SMTP password is write-only: the field stays empty and the page says whether one is set', async ({ page }) => {
  expect(original!.smtp.has_password).toBe(false);
  expect(original!.smtp.password).toBe('');
  await openDelivery(page);
  await expect(page.locator('#delivery-mode')).toContainText('send');
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
  await expect(page.getByText('No password is set.')).toBeVisible();

  await page.getByLabel('Username', { exact: true }).fill('e2e-mailer');
  await page.getByLabel('Password', { exact: true }).fill(SMTP_PASSWORD);
  const saved = page.waitForResponse('**/api/save_delivery_settings');
  await page.getByRole('button', { name: 'Save' }).click();
  const answer = await saved;
  expect(answer.status()).toBe(200);
  expect(await answer.text()).not.toContain(SMTP_PASSWORD);
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await expect(page.getByText('A password is set. Leave the field empty to keep it.')).toBeVisible();
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');

  // After a reload too, and the API never returns it.
  await page.reload();
  await expect(page.getByText('A password is set. Leave the field empty to keep it.')).toBeVisible();
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
  const read = await apiCall(admin!, 'get_delivery_settings');
  expect(await read.text()).not.toContain(SMTP_PASSWORD);

  // Clearing is explicit: with the username gone and "remove" ticked, no password is set.
  await page.getByLabel('Username', { exact: true }).fill('');
  await page.getByLabel('Remove the stored password').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('No password is set.')).toBeVisible();
});

test('an invalid setting is named under its field and nothing is saved', async ({ page }) => {
  const before = await ok<Settings>(admin!, 'get_delivery_settings');
  await openDelivery(page);
  await page.getByLabel('Port').fill('0');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByLabel('Port')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#smtp-port-problem')).toBeVisible();
  // The server stops at the first field that fails: put the port back, break the sender.
  await page.getByLabel('Port').fill(String(before.smtp.port));
  await page.getByLabel('From').fill('not a mailbox');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByLabel('From')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Port')).toHaveAttribute('aria-invalid', 'false');
  await expect(page.locator('#smtp-from-problem')).toContainText('sspr <sspr@example.org>');
  const after = await ok<Settings>(admin!, 'get_delivery_settings');
  expect(after).toEqual(before);
});

test('a test email is queued, arrives in maildev and shows as sent in the outbox', async ({ page }, testInfo) => {
  await openDelivery(page);
  await checkAccessibility(page, testInfo);

  await page.getByLabel('Send by').selectOption('email');
  await page.getByLabel('Send to (email address or phone number)').fill(TEST_TO);
  await page.getByRole('button', { name: 'Send test message' }).click();
  await expect(page.locator('#test-state')).toContainText(/Test message \d+/);
  await expect(page.locator('#test-state')).toContainText('sent', { timeout: 15_000 });
  const email = await waitForEmail(TEST_TO);
  expect(email.subject).toContain('sspr test message');
  expect(email.from).toEqual(['sspr@e2e.test']);

  // And an SMS, through the harness's provider.
  await page.getByLabel('Send by').selectOption('sms');
  await page.getByLabel('Send to (email address or phone number)').fill(TEST_PHONE);
  await page.getByRole('button', { name: 'Send test message' }).click();
  await expect(page.locator('#test-state')).toContainText('sent', { timeout: 15_000 });
  const sms = await waitForSms(TEST_PHONE);
  expect(sms.text).toContain('test message');

  await page.getByRole('link', { name: 'Open the outbox' }).click();
  await expect(page).toHaveURL(/\/admin\/outbox$/);
  const row = page.locator('#outbox tbody tr').filter({ hasText: TEST_TO }).first();
  await expect(row).toHaveAttribute('data-status', 'sent');
  await expect(row).toContainText('sent');
  await expect(row.getByRole('button', { name: 'Retry now' })).toHaveCount(0);
  // Sent bodies are wiped, never shown.
  await expect(row.locator('.message-body')).toHaveCount(0);
  await checkAccessibility(page, testInfo);
});

test('a message that failed for good is sent by "retry now" once the settings are fixed', async ({ page }) => {
  test.setTimeout(90_000);
  const to = 'delivery-retry@e2e.test';
  const start = await ok<Settings>(admin!, 'get_delivery_settings');
  // Port 1: nothing listens there, so every attempt fails until the settings are fixed.
  const broken = await ok<Settings>(admin!, 'save_delivery_settings', {
    settings: { ...start, smtp: { ...start.smtp, port: 1 } },
  });
  const id = await ok<number>(admin!, 'send_test_message', { channel: 'email', to });

  await signInToAccount(page, 'e2e-admin', env.password, 'E2E Admin');
  await page.goto('/admin/outbox');
  const row = page.locator(`#outbox tbody tr[data-id="${id}"]`);
  // Retried (the harness retries within two seconds) until the attempts run out.
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(row).toHaveAttribute('data-status', 'failed', { timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
  await expect(row.locator('.outbox-error')).toContainText('SMTP');

  await ok(admin!, 'save_delivery_settings', { settings: { ...start, revision: broken.revision } });
  await row.getByRole('button', { name: 'Retry now' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The message will be sent again in a moment.' })).toBeVisible();
  const email = await waitForEmail(to);
  expect(email.subject).toContain('sspr test message');
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(row).toHaveAttribute('data-status', 'sent', { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
});

test('a helpdesk admin can neither open the delivery pages nor call their functions', async ({ page }) => {
  await signInToAccount(page, 'rw-admin', env.password, 'Ada Overseer');
  await page.goto('/admin/delivery');
  await expect(page.getByLabel('SMTP server')).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Delivery', exact: true })).toHaveCount(0);

  const helpdesk = await apiSession('rw-admin');
  try {
    await expectApiAnswer(await apiCall(helpdesk, 'get_delivery_settings'), 403, 'Forbidden');
    await expectApiAnswer(await apiCall(helpdesk, 'save_delivery_settings', { settings: original }), 403, 'Forbidden');
    await expectApiAnswer(await apiCall(helpdesk, 'send_test_message', { channel: 'email', to: TEST_TO }), 403, 'Forbidden');
    await expectApiAnswer(await apiCall(helpdesk, 'retry_outbox', { id: 1 }), 403, 'Forbidden');
    await expectApiAnswer(await apiCall(helpdesk, 'list_outbox'), 403, 'Forbidden');
  } finally {
    await helpdesk.dispose();
  }
});
