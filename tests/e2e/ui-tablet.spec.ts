import { test, type Page } from '@playwright/test';
import { expect, signIn } from './fixtures';

const box = async (page: Page, testId: string) => (await page.getByTestId(testId).boundingBox())!;

test('at 900 px the node panel overlays the table and the filter bar collapses; at 1440 px both sit beside', async ({
  page,
}) => {
  await page.setViewportSize({ width: 900, height: 800 });
  await signIn(page);
  const firstRow = page.locator('[data-testid^="node-row-"]').first();
  await expect(firstRow).toBeVisible({ timeout: 30_000 });

  // the filters hide behind a button that says how many are active
  const toggle = page.getByTestId('filters-toggle');
  await expect(toggle).toBeVisible();
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByTestId('filter-bar')).toBeHidden();
  await toggle.click();
  await expect(page.getByTestId('filter-bar')).toBeVisible();
  await page.getByTestId('filter-status').selectOption('Ready');
  await toggle.click();
  await expect(page.getByTestId('filter-bar')).toBeHidden();
  await expect(toggle).toHaveText(/Filters \(1 active\)/);

  // the panel lies over the table, which keeps the full width
  const tableBefore = await box(page, 'node-table');
  await firstRow.click();
  await expect(page.getByTestId('node-detail')).toBeVisible();
  const table = await box(page, 'node-table');
  const panel = await box(page, 'node-detail');
  expect(table.width).toBe(tableBefore.width);
  expect(table.width).toBeGreaterThan(880);
  expect(panel.x).toBeLessThan(table.x + table.width);
  await page.screenshot({ path: 'test-results/screenshots/tablet-panel-overlay-900.png' });
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('node-detail')).toBeHidden();

  await page.setViewportSize({ width: 1440, height: 900 });
  await expect(toggle).toBeHidden();
  await expect(page.getByTestId('filter-bar')).toBeVisible();
  await firstRow.click();
  const wideTable = await box(page, 'node-table');
  const widePanel = await box(page, 'node-detail');
  expect(wideTable.x + wideTable.width).toBeLessThanOrEqual(widePanel.x + 1);
});
