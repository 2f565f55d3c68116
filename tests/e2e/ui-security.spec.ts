import { test } from '@playwright/test';
import { adminPassword, expect } from './fixtures';

test('a sign-in callback pointing off-site (/%09/evil.host) lands on the app, not elsewhere', async ({
  page,
  baseURL,
}) => {
  await page.goto('/login?callbackUrl=/%09/evil.host/x');
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.pathname === '/');
  expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
  expect(page.url()).not.toContain('evil.host');
  await expect(page.getByTestId('connection-state')).toContainText(/live/i, { timeout: 30_000 });
});

test('pages work under the Content-Security-Policy and cannot be framed', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  const res = await page.goto('/login');
  expect(res?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('connection-state')).toContainText(/live/i, { timeout: 30_000 });
  await page.goto('/settings');
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  expect(violations).toEqual([]);
});

test('"Sign out everywhere" ends this browser\'s session too', async ({ page, browser }) => {
  await page.goto('/login');
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.pathname === '/');
  // a second browser with its own session
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await otherPage.goto(new URL('/login', page.url()).toString());
  await otherPage.getByLabel('Username').fill('admin');
  await otherPage.getByLabel('Password').fill(adminPassword);
  await otherPage.getByRole('button', { name: 'Sign in' }).click();
  await otherPage.waitForURL((u) => u.pathname === '/');

  await page.goto('/settings');
  await expect(page.getByTestId('profile')).toContainText('admin');
  await expect(page.getByRole('heading', { name: 'Sessions' })).toBeVisible();
  await page.screenshot({ path: 'test-results/e2e/settings-sessions.png', fullPage: true });
  await page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await page.waitForURL(/\/login/);
  await page.screenshot({ path: 'test-results/e2e/signed-out-everywhere.png' });
  const me = await otherPage.request.get('/api/v1/me');
  expect(me.status()).toBe(401);
  await other.close();
});
