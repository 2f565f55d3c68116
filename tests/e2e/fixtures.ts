import { expect as baseExpect, type Page } from '@playwright/test';

export const adminPassword = process.env.E2E_ADMIN_PASSWORD ?? 'e2e-admin-password';

// writes go through the simulated apiserver and back through the watch: allow a loaded CI machine time
export const expect = baseExpect.configure({ timeout: 15_000 });

export async function signIn(page: Page, username = 'admin', password = adminPassword) {
  await page.goto('/login');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForURL((u) => u.pathname === '/');
}
