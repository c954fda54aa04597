// The security info page: registering email, phone, authenticator, questions and recovery
// codes with real delivery to the sinks; wrong, expired and malformed input; a stopped mail
// server; accessibility; Greek. Each test uses its own account and its own addresses, so the
// limit of five codes per destination and account per hour is never reached.
import { test, expect, type Page } from '@playwright/test';
import * as OTPAuth from 'otpauth';
import { readFileSync } from 'node:fs';
import {
  alertBox,
  checkAccessibility,
  codeFrom,
  env,
  listEmails,
  signInToAccount,
  startSmtp,
  stopSmtp,
  waitForEmail,
  waitForSms,
} from './support';

const text = {
  notRegistered: 'Not registered',
  saved: 'Saved. This method is now registered.',
  codeExpired: 'That code has expired or was already used. Ask for a new one.',
  answerDuplicate: 'Give a different answer to each question.',
};

/** Signs in (which counts as typing the password) and opens the security info page from the account page. */
async function openSecurityInfo(page: Page, username: string, displayName: string) {
  await signInToAccount(page, username, env.password, displayName);
  await page.getByRole('link', { name: 'Security info' }).click();
  await expect(page).toHaveURL(/\/account\/security-info$/);
  await expect(page.getByRole('heading', { name: 'Security info', level: 1 })).toBeVisible();
  // Signing in just now means no password prompt before changes.
  await expect(page.locator('#reauth-password')).toHaveCount(0);
}

/** The section of one method, found by its heading. */
function method(page: Page, heading: string) {
  return page.getByRole('region', { name: heading, exact: true });
}

/** Opens the email form, asks for a code to `address` and waits for the "code sent" line. */
async function requestEmailCode(page: Page, address: string) {
  await page.locator('#email-add').click();
  await page.locator('#email-address').fill(address);
  await method(page, 'Email').getByRole('button', { name: 'Send code' }).click();
}

async function confirmEmailCode(page: Page, code: string) {
  await page.locator('#email-code').fill(code);
  await method(page, 'Email').getByRole('button', { name: 'Confirm' }).click();
}

function totpNow(secretShown: string) {
  return new OTPAuth.TOTP({
    secret: OTPAuth.Secret.fromBase32(secretShown.replace(/\s+/g, '')),
    digits: 6,
    period: 30,
    algorithm: 'SHA1',
  }).generate();
}

test('an email address is registered with the code that arrives by SMTP, and shown masked', async ({ page }) => {
  const address = 'sia.home@inbox.example.net';
  await openSecurityInfo(page, 'si-email', 'Sia Email');
  await expect(page.locator('#email-status')).toHaveText(text.notRegistered);

  await requestEmailCode(page, address);
  await expect(method(page, 'Email').getByRole('status')).toContainText('We sent a code to s***@inbox.example.net.');

  const email = await waitForEmail(address);
  const code = codeFrom(email.text);
  await confirmEmailCode(page, code);

  await expect(page.locator('#email-status')).toContainText('Registered: s***@inbox.example.net (');
  await expect(page.getByText(text.saved)).toBeVisible();
  await expect(page.locator('#email-code')).toHaveCount(0);
  await expect(page.locator('#email-remove')).toBeVisible();
  // The full address is never shown back.
  await expect(page.getByText(address)).toHaveCount(0);

  // And it is still registered after a reload.
  await page.reload();
  await expect(page.locator('#email-status')).toContainText('Registered: s***@inbox.example.net (');
});

test('a mobile number is registered with the code that arrives by SMS, and shown masked', async ({ page }) => {
  await openSecurityInfo(page, 'si-phone', 'Sif Phone');
  await expect(page.locator('#phone-status')).toHaveText(text.notRegistered);

  await page.locator('#phone-add').click();
  await page.locator('#phone-number').fill('+30 694 000 0102');
  await method(page, 'Mobile phone (SMS)').getByRole('button', { name: 'Send code' }).click();
  await expect(method(page, 'Mobile phone (SMS)').getByRole('status')).toContainText('+30 *** *** **02');

  const sms = await waitForSms('+306940000102');
  await page.locator('#phone-code').fill(codeFrom(sms.text));
  await method(page, 'Mobile phone (SMS)').getByRole('button', { name: 'Confirm' }).click();

  await expect(page.locator('#phone-status')).toContainText('Registered: +30 *** *** **02 (');
  await expect(page.locator('#phone-remove')).toBeVisible();
  await expect(page.getByText('+306940000102')).toHaveCount(0);
});

test('an authenticator app is registered with a code computed from the secret shown next to the QR code', async ({ page }) => {
  await openSecurityInfo(page, 'si-totp', 'Tom Totp');
  await expect(page.locator('#authenticator-status')).toHaveText(text.notRegistered);

  await page.locator('#authenticator-add').click();
  const qr = method(page, 'Authenticator app').locator('.qr svg');
  await expect(qr).toBeVisible();
  const box = await qr.boundingBox();
  expect(box!.width).toBeGreaterThan(80);
  const secret = (await page.locator('#authenticator-secret').innerText()).trim();
  expect(secret.replace(/\s+/g, '')).toMatch(/^[A-Z2-7]{16,}$/);

  await page.locator('#authenticator-code').fill(totpNow(secret));
  await method(page, 'Authenticator app').getByRole('button', { name: 'Confirm' }).click();

  await expect(page.locator('#authenticator-status')).toContainText('Registered:');
  await expect(page.locator('#authenticator-secret')).toHaveCount(0);
  await expect(page.locator('#authenticator-remove')).toBeVisible();
});

test('security questions are saved with three answers, and duplicate answers are refused without changing anything', async ({ page }) => {
  await openSecurityInfo(page, 'si-questions', 'Quinn Questions');
  await expect(page.locator('#questions-status')).toHaveText(text.notRegistered);

  await page.locator('#questions-add').click();
  await expect(page.locator('#question-2')).toBeVisible();
  await expect(page.locator('#question-3')).toHaveCount(0);
  // Pick three questions other than the ones offered first.
  const options = await page.locator('#question-0 option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  expect(options.length).toBeGreaterThanOrEqual(6);
  for (let i = 0; i < 3; i++) {
    await page.locator(`#question-${i}`).selectOption(options[options.length - 1 - i]);
  }

  await page.locator('#answer-0').fill('Thessaloniki harbour');
  await page.locator('#answer-1').fill('Thessaloniki harbour');
  await page.locator('#answer-2').fill('a green bicycle');
  await page.getByRole('button', { name: 'Save answers' }).click();
  await expect(method(page, 'Security questions').getByRole('alert')).toHaveText(text.answerDuplicate);
  await expect(page.locator('#questions-status')).toHaveText(text.notRegistered);
  // The form stays open with what was typed.
  await expect(page.locator('#answer-2')).toHaveValue('a green bicycle');

  await page.locator('#answer-1').fill('Mrs Papadaki, year two');
  await page.getByRole('button', { name: 'Save answers' }).click();
  await expect(page.locator('#questions-status')).toContainText('Registered:');
  await expect(page.locator('#question-0')).toHaveCount(0);

  await page.reload();
  await expect(page.locator('#questions-status')).toContainText('Registered:');
  // Stored answers are never shown again.
  await expect(page.getByText('Thessaloniki harbour')).toHaveCount(0);
});

test('ten recovery codes are shown, downloaded as a text file, and replaced by different ones', async ({ page }) => {
  await openSecurityInfo(page, 'si-recovery', 'Remy Recovery');
  await expect(page.locator('#recovery_codes-status')).toHaveText(text.notRegistered);

  await page.locator('#recovery-generate').click();
  const items = page.locator('#recovery-codes li');
  await expect(items).toHaveCount(10);
  const first = (await items.allInnerTexts()).map((c) => c.trim());
  expect(new Set(first).size).toBe(10);
  await expect(page.locator('#recovery_codes-status')).toContainText('Registered: 10 codes left');

  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#recovery-download').click()]);
  expect(download.suggestedFilename()).toBe('sspr-recovery-codes.txt');
  const file = readFileSync((await download.path())!, 'utf8');
  expect(file.split('\n').filter((l) => l.trim() !== '')).toEqual(first);

  await expect(page.locator('#recovery-generate')).toHaveText('Replace recovery codes');
  await page.locator('#recovery-generate').click();
  await expect(items.first()).not.toHaveText(first[0]);
  await expect(items).toHaveCount(10);
  const second = (await items.allInnerTexts()).map((c) => c.trim());
  expect(second.filter((c) => first.includes(c))).toEqual([]);
  await expect(page.getByText('New recovery codes were created; the old ones no longer work.')).toBeVisible();
});

test('a wrong code says how many tries are left, and the right code still works after it', async ({ page }) => {
  const address = 'wren.w@post.example.com';
  await openSecurityInfo(page, 'si-wrong', 'Wren Wrong');
  await requestEmailCode(page, address);
  const code = codeFrom((await waitForEmail(address)).text);
  const wrong = code === '12345678' ? '87654321' : '12345678';

  await confirmEmailCode(page, wrong);
  await expect(method(page, 'Email').getByRole('alert')).toHaveText('That code is not right. You can try 4 more time(s).');
  await expect(page.locator('#email-status')).toHaveText(text.notRegistered);

  await confirmEmailCode(page, wrong);
  await expect(method(page, 'Email').getByRole('alert')).toHaveText('That code is not right. You can try 3 more time(s).');

  await confirmEmailCode(page, code);
  await expect(page.locator('#email-status')).toContainText('Registered: w***@post.example.com (');
});

test('a code typed after it expired is refused as expired', async ({ page }) => {
  // scripts/e2e.sh sets the code lifetime to one minute, the shortest allowed.
  test.setTimeout(120_000);
  const address = 'ezra@late.example.org';
  await openSecurityInfo(page, 'si-expired', 'Ezra Expired');
  await requestEmailCode(page, address);
  const code = codeFrom((await waitForEmail(address)).text);

  await page.waitForTimeout(65_000);
  await confirmEmailCode(page, code);
  await expect(method(page, 'Email').getByRole('alert')).toHaveText(text.codeExpired);
  await expect(page.locator('#email-status')).toHaveText(text.notRegistered);
  // The dead code is cleared from the field.
  await expect(page.locator('#email-code')).toHaveValue('');
});

test('a malformed email address or mobile number gets a message about what is wrong with it', async ({ page }) => {
  await openSecurityInfo(page, 'si-malformed', 'Mal Formed');
  const email = method(page, 'Email');
  await page.locator('#email-add').click();
  const cases: [string, string][] = [
    ['no-at-sign.example.com', 'Enter an email address such as name@example.com.'],
    ['mal@localhost', 'The part after @ is not a valid domain such as example.com.'],
    ['mal formed@example.com', 'The part before @ contains spaces or characters that are not allowed.'],
    ['', 'Enter your email address.'],
  ];
  for (const [typed, message] of cases) {
    await page.locator('#email-address').fill(typed);
    await email.getByRole('button', { name: 'Send code' }).click();
    await expect(email.getByRole('alert'), typed).toHaveText(message);
    await expect(page.locator('#email-code')).toHaveCount(0);
  }

  const phone = method(page, 'Mobile phone (SMS)');
  await page.locator('#phone-add').click();
  const phoneCases: [string, string][] = [
    ['6940000103', 'Start with + and the country code, for example +30.'],
    ['+30 694 abc 0103', 'Use only digits, spaces and dashes after the +.'],
    ['+30 69', 'The number is too short.'],
    ['+30 694 000 0103 4444 5555', 'The number is too long: at most 15 digits.'],
  ];
  for (const [typed, message] of phoneCases) {
    await page.locator('#phone-number').fill(typed);
    await phone.getByRole('button', { name: 'Send code' }).click();
    await expect(phone.getByRole('alert'), typed).toHaveText(message);
    await expect(page.locator('#phone-code')).toHaveCount(0);
  }
  await expect(page.locator('#email-status')).toHaveText(text.notRegistered);
  await expect(page.locator('#phone-status')).toHaveText(text.notRegistered);
});

test('a code requested while the mail server is down is delivered once it is back, exactly once', async ({ page }) => {
  const address = 'faye@queue.example.org';
  await openSecurityInfo(page, 'si-fault', 'Faye Fault');
  await stopSmtp();
  try {
    await requestEmailCode(page, address);
    // The page says the code is on its way: it waits in the outbox.
    await expect(method(page, 'Email').getByRole('status')).toContainText('We sent a code to f***@queue.example.org.');
    await page.waitForTimeout(2_000);
    expect(await listEmails(address)).toHaveLength(0);
  } finally {
    await startSmtp();
  }
  const email = await waitForEmail(address);
  // Retries must not send it twice.
  await page.waitForTimeout(5_000);
  expect(await listEmails(address)).toHaveLength(1);

  await confirmEmailCode(page, codeFrom(email.text));
  await expect(page.locator('#email-status')).toContainText('Registered: f***@queue.example.org (');
});

test('the security info page with an open form and with the QR code, and the outbox, have no serious accessibility problems', async ({ page, browser }, testInfo) => {
  await openSecurityInfo(page, 'si-axe', 'Axel Axe');
  await page.locator('#email-add').click();
  await expect(page.locator('#email-address')).toBeVisible();
  await checkAccessibility(page, testInfo);

  await page.locator('#authenticator-add').click();
  await expect(method(page, 'Authenticator app').locator('.qr svg')).toBeVisible();
  await checkAccessibility(page, testInfo);

  const context = await browser.newContext();
  const admin = await context.newPage();
  try {
    await signInToAccount(admin, 'e2e-admin', env.password, 'E2E Admin');
    await admin.goto('/admin/outbox');
    await expect(admin.getByRole('heading', { name: 'Outbox' })).toBeVisible();
    // Earlier tests sent codes, so the table has rows.
    await expect(admin.locator('#outbox tbody tr').first()).toBeVisible();
    await checkAccessibility(admin, testInfo);
  } finally {
    await context.close();
  }
});

test('in Greek the security info page has Greek headings and a wrong code gets a Greek error', async ({ page }) => {
  const address = 'giorgos@greek.example.gr';
  await page.goto('/');
  await page.getByLabel('Language').selectOption({ label: 'Ελληνικά' });
  await page.getByLabel('Όνομα χρήστη').fill('si-greek');
  await page.getByLabel('Κωδικός πρόσβασης', { exact: true }).fill(env.password);
  await page.getByRole('button', { name: 'Σύνδεση' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await page.getByRole('link', { name: 'Στοιχεία ασφαλείας' }).click();
  await expect(page).toHaveURL(/\/account\/security-info$/);

  await expect(page.getByRole('heading', { name: 'Στοιχεία ασφαλείας', level: 1 })).toBeVisible();
  for (const heading of ['Κινητό τηλέφωνο (SMS)', 'Εφαρμογή ελέγχου ταυτότητας', 'Ερωτήσεις ασφαλείας', 'Κωδικοί ανάκτησης']) {
    await expect(page.getByRole('heading', { name: heading, level: 2 })).toBeVisible();
  }
  await expect(page.locator('#email-status')).toHaveText('Δεν έχει καταχωριστεί');
  await expect(page.getByRole('heading', { name: 'Security info' })).toHaveCount(0);

  await page.locator('#email-add').click();
  await page.locator('#email-address').fill(address);
  await page.getByRole('button', { name: 'Αποστολή κωδικού' }).click();
  await expect(method(page, 'Email').getByRole('status')).toContainText('Στείλαμε κωδικό στο g***@greek.example.gr.');
  const code = codeFrom((await waitForEmail(address)).text);
  await page.locator('#email-code').fill(code === '12345678' ? '87654321' : '12345678');
  await page.getByRole('button', { name: 'Επιβεβαίωση' }).click();
  await expect(alertBox(page)).toHaveText('Ο κωδικός δεν είναι σωστός. Μπορείτε να δοκιμάσετε ακόμη 4 φορά/ές.');
});
