import { test } from '@playwright/test';
import { expect, signIn } from './fixtures';

test('admin manages tokens and users; the audit log records it; a viewer gets a read-only UI', async ({
  page,
  browser,
}) => {
  await signIn(page);
  await page.goto('/settings');
  await expect(page.getByTestId('profile')).toContainText('admin');

  // API token: created once with its plaintext, then revoked
  const tokenName = `e2e-${Date.now()}`;
  const tokens = page.getByTestId('tokens-section');
  await tokens.getByPlaceholder('e.g. ci-pipeline').fill(tokenName);
  await tokens.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByTestId('new-token')).toContainText('knm_');
  const row = tokens.locator('tr', { hasText: tokenName });
  await expect(row).toContainText('active');
  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toContainText('revoked');

  // a viewer account
  const viewer = `viewer${Date.now()}`;
  const viewerPassword = 'viewer-password-123';
  const users = page.getByTestId('users-section');
  await users.getByLabel('New username').fill(viewer);
  await users.getByLabel('New user password').fill(viewerPassword);
  await users.getByLabel('New user clusters').fill('demo');
  await page.getByTestId('user-create').click();
  await expect(page.getByTestId(`user-${viewer}`)).toContainText('demo');

  await page.goto('/audit');
  await expect(page.getByTestId('audit-table')).toContainText('token.revoke');
  await expect(page.getByTestId('audit-table')).toContainText('user.create');

  const ctx = await browser.newContext();
  const vpage = await ctx.newPage();
  await signIn(vpage, viewer, viewerPassword);
  const first = vpage.locator('[data-testid^="node-row-"]').first();
  await expect(first).toBeVisible({ timeout: 30_000 });
  // selecting is only for batch actions, which a viewer cannot run: no checkboxes at all
  await expect(first.locator('input[type=checkbox]')).toHaveCount(0);
  await expect(vpage.getByTestId('select-all')).toHaveCount(0);
  await expect(vpage.getByTestId('batch-bar')).toHaveCount(0);
  await first.click();
  await expect(vpage.getByTestId('node-detail')).toBeVisible();
  await expect(vpage.getByTestId('tab-actions')).toHaveCount(0);
  await vpage.getByTestId('tab-labels').click();
  await expect(vpage.getByTestId('node-detail')).toContainText('Read-only');
  await ctx.close();
});
