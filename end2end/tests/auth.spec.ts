// Signing in, the forced first password change, lockout, password change and sign-out.
import { test, expect } from '@playwright/test';
import {
  alertBox,
  apiCall,
  env,
  expectApiAnswer,
  profileValue,
  sessionCookie,
  signIn,
  signInToAccount,
  signOut,
  signedInAs,
  submitPasswordChange,
  submitSignIn,
  text,
} from './support';

test('a demo user must replace her one-time password before she can reach her account', async ({ page }) => {
  const response = await signIn(page, 'alice', env.demo.alice);
  expect(response.status()).toBe(200);
  await expect(page).toHaveURL(/\/account\/password$/);
  await expect(page.getByRole('heading', { name: 'Change your password' })).toBeVisible();
  await expect(page.getByText(text.mustChange)).toBeVisible();

  // Any other page sends her back, after a full page load too.
  await page.goto('/account');
  await expect(page).toHaveURL(/\/account\/password$/);
  await expect(page.getByText(text.mustChange)).toBeVisible();

  const changed = await submitPasswordChange(page, env.demo.alice, 'tangerine-orbit-lamp');
  expect(changed.status()).toBe(200);
  await expect(page.getByRole('status').filter({ hasText: text.passwordChanged })).toBeVisible();
  await expect(page.getByText(text.mustChange)).toBeHidden();

  await page.goto('/account');
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
  await expect(profileValue(page, 'Name')).toHaveText('Alice Andersen');
  await expect(profileValue(page, 'Username')).toHaveText('alice');
  await expect(profileValue(page, 'Email')).toHaveText('alice@example.org');
  await expect(profileValue(page, 'Mobile phone')).toHaveText('+302101000003');
});

test('a wrong password and an unknown username get exactly the same answer', async ({ page }) => {
  await page.goto('/');
  const wrong = await submitSignIn(page, 'bob', 'not-bobs-password');
  await expect(alertBox(page)).toHaveText(text.invalidCredentials);
  const wrongText = await alertBox(page).innerText();
  const wrongAnswer = { status: wrong.status(), body: await wrong.json() };

  await page.goto('/');
  const unknown = await submitSignIn(page, 'nobody-by-this-name', 'not-bobs-password');
  await expect(alertBox(page)).toBeVisible();
  const unknownText = await alertBox(page).innerText();
  const unknownAnswer = { status: unknown.status(), body: await unknown.json() };

  expect(unknownText).toBe(wrongText);
  expect(unknownAnswer).toEqual(wrongAnswer);
  expect(wrongAnswer).toEqual({ status: 401, body: 'InvalidCredentials' });
  await expect(page).toHaveURL(/\/$/);
});

test('ten failed sign-ins lock the account without saying so, and then the right password is refused too', async ({ page }) => {
  await page.goto('/');
  for (let attempt = 1; attempt <= 10; attempt++) {
    const response = await submitSignIn(page, 'locky', `wrong-guess-${attempt}`);
    expect(response.status(), `attempt ${attempt}`).toBe(401);
    expect(await response.json()).toBe('InvalidCredentials');
    await expect(alertBox(page)).toHaveText(text.invalidCredentials);
  }

  // Locked: the right password gets the very answer a wrong one or an unknown name gets
  // (the owner is told by mail instead).
  const right = await submitSignIn(page, 'locky', env.password);
  expect(right.status()).toBe(401);
  expect(await right.json()).toBe('InvalidCredentials');
  await expect(alertBox(page)).toHaveText(text.invalidCredentials);
  await expect(page).toHaveURL(/\/$/);
  expect(await sessionCookie(page.context())).toBeUndefined();
});

test('after changing the password the new one signs in and the old one no longer does', async ({ page }) => {
  const newPassword = 'velvet-otter-harbour';
  await signInToAccount(page, 'carol', env.password, 'Carol Changer');
  await page.getByRole('link', { name: 'Change password' }).click();
  await expect(page).toHaveURL(/\/account\/password$/);
  await expect(page.getByText(text.mustChange)).toBeHidden();

  const changed = await submitPasswordChange(page, env.password, newPassword);
  expect(changed.status()).toBe(200);
  await expect(page.getByRole('status').filter({ hasText: text.passwordChanged })).toHaveText(text.passwordChanged);
  await expect(page.getByLabel('Current password')).toHaveValue('');

  await signOut(page);
  await signInToAccount(page, 'carol', newPassword, 'Carol Changer');

  await signOut(page);
  const old = await submitSignIn(page, 'carol', env.password);
  expect(old.status()).toBe(401);
  await expect(alertBox(page)).toHaveText(text.invalidCredentials);
  await expect(page).toHaveURL(/\/$/);
});

test('a wrong current password does not change the password', async ({ page }) => {
  await signInToAccount(page, 'chad', env.password, 'Chad Checker');
  await page.goto('/account/password');
  const refused = await submitPasswordChange(page, 'not-the-current-one', 'meadow-quartz-violin');
  expect(refused.status()).toBe(401);
  await expect(alertBox(page)).toHaveText('Your current password is incorrect.');
  await expect(page.getByRole('status').filter({ hasText: text.passwordChanged })).toBeHidden();

  await signOut(page);
  await signInToAccount(page, 'chad', env.password, 'Chad Checker');
});

test('signing out ends the session on the server, not only in the browser', async ({ page, request }) => {
  await signInToAccount(page, 'signout', env.password, 'Sam Signout');
  const cookie = await sessionCookie(page.context());
  expect(cookie, 'session cookie after sign-in').toBeDefined();
  expect(cookie!.httpOnly).toBe(true);
  expect(cookie!.sameSite).toBe('Strict');

  // The cookie works on its own before sign-out...
  const before = await apiCall(request, 'current_user', {}, { session: cookie!.value });
  expect(before.status()).toBe(200);
  expect((await before.json())?.username).toBe('signout');

  await signOut(page);
  await page.goto('/account');
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();

  // ...and replaying it afterwards finds no session.
  await expectApiAnswer(await apiCall(request, 'current_user', {}, { session: cookie!.value }), 200, null);
});

test('changing the password signs out the user’s other sessions and renews this one', async ({ browser }) => {
  const contextA = await browser.newContext();
  const contextB = await browser.newContext();
  const a = await contextA.newPage();
  const b = await contextB.newPage();
  await signInToAccount(a, 'dave', env.password, 'Dave Devices');
  await signInToAccount(b, 'dave', env.password, 'Dave Devices');

  const sessionOf = async () => (await contextA.cookies()).find((c) => c.name === 'sspr_session')?.value;
  const before = await sessionOf();
  await a.goto('/account/password');
  const changed = await submitPasswordChange(a, env.password, 'copper-kettle-sunrise');
  expect(changed.status()).toBe(200);
  // This browser carries on under a new session id; the old one is gone.
  const after = await sessionOf();
  expect(after).toBeTruthy();
  expect(after).not.toBe(before);
  await expect(a.getByRole('status').filter({ hasText: text.passwordChanged })).toBeVisible();

  await b.reload();
  await expect(b).toHaveURL(/\/$/);
  await expect(b.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(signedInAs(b)).toHaveCount(0);

  await a.goto('/account');
  await expect(a).toHaveURL(/\/account$/);
  await expect(signedInAs(a)).toHaveText('Dave Devices');

  await contextA.close();
  await contextB.close();
});

test('a signed-out visitor is sent to sign in from the account and admin pages', async ({ page }) => {
  for (const path of ['/account', '/account/password', '/admin']) {
    await page.goto(path);
    await expect(page, path).toHaveURL(/\/$/);
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  }
});
