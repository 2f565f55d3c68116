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

test('the sign-in page links a favicon, app icons and a web manifest that the browser can load', async ({
  page,
  request,
}) => {
  await page.goto('/login');
  const manifestHref = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(manifestHref).toBe('/manifest.webmanifest');
  const iconHrefs = await page
    .locator('link[rel="icon"], link[rel="apple-touch-icon"]')
    .evaluateAll((links) => links.map((l) => l.getAttribute('href') ?? ''));
  expect(iconHrefs).toEqual(expect.arrayContaining(['/favicon.ico', '/icon.svg', '/apple-touch-icon.png']));
  const manifest = (await (await request.get(manifestHref!)).json()) as { icons: Array<{ src: string }> };
  for (const href of [...iconHrefs, ...manifest.icons.map((i) => i.src)]) {
    const res = await request.get(href);
    expect(res.status(), href).toBe(200);
    expect(res.headers()['content-type'], href).toMatch(/^image\//);
  }
  // the PNGs decode at their declared size
  const size = await page.evaluate(async () => {
    const img = new Image();
    img.src = '/icon-512.png';
    await img.decode();
    return [img.naturalWidth, img.naturalHeight];
  });
  expect(size).toEqual([512, 512]);
});
