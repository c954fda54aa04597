import { test, expect } from '@playwright/test';
import { env, signIn, checkAccessibility } from './support';

test('the sign-in page loads the app and passes the accessibility check', async ({ page }, testInfo) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await checkAccessibility(page, testInfo);
});

test('a fixture user signs in and sees their account', async ({ page }) => {
  await signIn(page, 'erin', env.password);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByText('Erin Everyday').first()).toBeVisible();
});
