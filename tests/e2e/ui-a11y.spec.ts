import AxeBuilder from '@axe-core/playwright';
import { test, type Page } from '@playwright/test';
import { textContrastFailures } from './contrast';
import { expect, signIn } from './fixtures';

/**
 * Every page, light and dark (following the system), at 1440 and 900 px: zero critical or serious axe
 * violations, every text at 4.5:1 (3:1 when large) measured through a canvas, one h1, a skip link first
 * in the tab order. Screenshots of each are kept under test-results/screenshots/.
 */
const themes = ['light', 'dark'] as const;
const widths = [1440, 900] as const;

async function audit(page: Page, name: string) {
  for (const theme of themes)
    for (const width of widths) {
      await page.emulateMedia({ colorScheme: theme });
      await page.setViewportSize({ width, height: 900 });
      await expect(page.locator('html')).toHaveClass(new RegExp(`\\b${theme}\\b`));
      await page.waitForTimeout(300); // let a theme switch and a re-layout paint
      const where = `${name} ${theme} ${width}px`;
      await page.screenshot({ path: `test-results/screenshots/${name}-${theme}-${width}.png` });
      // toasts come and go with the demo's churn (mid-animation they are half transparent): they are
      // checked once settled, in both themes, by ui-toasts.spec.ts
      const axe = await new AxeBuilder({ page })
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
        .exclude('[data-sonner-toaster]')
        .analyze();
      const bad = axe.violations
        .filter((v) => v.impact === 'critical' || v.impact === 'serious')
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
      expect(bad, where).toEqual([]);
      expect(await textContrastFailures(page, '[data-sonner-toaster]'), where).toEqual([]);
    }
  await expect(page.locator('h1')).toHaveCount(1);
  // the skip link is the first stop in the tab order, and it moves focus to the content
  const first = await page.evaluate(() => {
    const tabbable = [
      ...document.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea, [tabindex]'),
    ].filter((e) => e.tabIndex >= 0 && !e.matches(':disabled'));
    return tabbable[0]?.dataset.testid;
  });
  expect(first).toBe('skip-link');
  await page.getByTestId('skip-link').focus();
  await expect(page.getByTestId('skip-link')).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.locator('#main')).toBeFocused();
}

test('sign-in page', async ({ page }) => {
  await page.goto('/login');
  await audit(page, 'login');
});

test.describe('signed in', () => {
  test.beforeEach(async ({ page }) => {
    await signIn(page);
    await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live', {
      timeout: 30_000,
    });
  });

  test('nodes dashboard', async ({ page }) => {
    // the table is the page with the most text: four contrast walks of it take longest on a busy machine
    test.slow();
    await audit(page, 'dashboard');
  });

  test('nodes dashboard with a node panel open', async ({ page }) => {
    test.slow();
    await page.locator('[data-testid^="node-row-"]').first().click();
    await expect(page.getByTestId('node-detail')).toBeVisible();
    await audit(page, 'dashboard-panel');
  });

  test('node page', async ({ page }) => {
    const name = await page.locator('[data-testid^="node-row-"]').first().getAttribute('data-testid');
    await page.goto(`/clusters/demo/nodes/${name!.replace('node-row-', '')}`);
    await expect(page.getByTestId('node-detail')).toBeVisible();
    await audit(page, 'node');
  });

  for (const [path, name] of [
    ['/audit', 'audit'],
    ['/all', 'all-clusters'],
    ['/health', 'health'],
    ['/settings', 'settings'],
  ] as const)
    test(`${name} page`, async ({ page }) => {
      await page.goto(path);
      await expect(page.locator('h1')).toBeVisible();
      await page.waitForLoadState('networkidle');
      await audit(page, name);
    });

  test('the theme toggle overrides the system and is remembered', async ({ page }) => {
    await page.emulateMedia({ colorScheme: 'light' });
    await expect(page.locator('html')).toHaveClass(/\blight\b/);
    await page.getByTestId('theme-dark').click();
    await expect(page.locator('html')).toHaveClass(/\bdark\b/);
    await expect(page.getByTestId('theme-dark')).toHaveAttribute('aria-pressed', 'true');
    await page.reload();
    await expect(page.locator('html')).toHaveClass(/\bdark\b/);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).not.toBe('rgb(248, 250, 252)');
    await page.getByTestId('theme-system').click();
    await expect(page.locator('html')).toHaveClass(/\blight\b/);
  });
});
