import { test } from '@playwright/test';
import { adminPassword, expect } from './fixtures';

test('signs in and shows the demo cluster live', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();

  await expect(page.getByTestId('connection-state')).toContainText(/live/i, { timeout: 30_000 });
  await expect(page.getByTestId('node-count')).toContainText('120');
  await expect(page.locator('[data-testid^="node-row-"]').first()).toBeVisible();
  await page.screenshot({ path: 'test-results/e2e/dashboard.png', fullPage: false });
});

test('a wrong password is refused with a message', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  // (Next's route announcer is an empty role=alert too: look inside the form)
  await expect(page.getByRole('form', { name: 'Sign in' }).getByRole('alert')).toContainText(
    'Invalid username or password',
  );
  await expect(page).toHaveURL(/\/login/);
});
