import { test, type Locator } from '@playwright/test';
import { expect, signIn } from './fixtures';

/** The chart's pixels, so the test sees the drawing change, not only the numbers behind it. */
const pixels = (chart: Locator) => chart.locator('canvas').evaluate((c: HTMLCanvasElement) => c.toDataURL());
const points = async (chart: Locator) => Number(await chart.getAttribute('data-points'));
const latest = async (chart: Locator) =>
  JSON.parse((await chart.getAttribute('data-last')) ?? '[]') as Array<number | null>;

test('the admin health page draws live charts that move while the demo cluster churns', async ({ page }) => {
  await signIn(page);
  // keep one push connection open, so the connection and latency charts have something to show
  const dashboard = await page.context().newPage();
  await dashboard.goto('/');
  await expect(dashboard.locator('[data-testid^="node-row-"]').first()).toBeVisible({ timeout: 30_000 });

  await page.getByRole('link', { name: 'Health' }).click();
  await expect(page).toHaveURL(/\/health$/);
  const demo = page.getByTestId('health-cluster-demo');
  await expect(demo.getByTestId('cluster-state')).toHaveText('ready');
  await expect(demo.locator('canvas')).toHaveCount(3);
  await expect(page.getByTestId('health-process').locator('canvas')).toHaveCount(3);

  const events = demo.getByTestId('chart-events');
  await expect.poll(() => points(events)).toBeGreaterThanOrEqual(2);
  const before = { points: await points(events), pixels: await pixels(events) };
  // the demo cluster's churn produces watch events every second
  await expect.poll(async () => (await latest(events))[0] ?? 0, { timeout: 20_000 }).toBeGreaterThan(0);
  await expect.poll(() => points(events), { timeout: 20_000 }).toBeGreaterThan(before.points + 1);
  await expect.poll(() => pixels(events), { timeout: 20_000 }).not.toBe(before.pixels);

  const connections = page.getByTestId('chart-connections');
  await expect
    .poll(async () => (await latest(connections))[0], { timeout: 20_000 })
    .toBeGreaterThanOrEqual(1);
  const latency = demo.getByTestId('chart-latency');
  await expect.poll(async () => (await latest(latency))[1] ?? 0, { timeout: 30_000 }).toBeGreaterThan(0);
  await dashboard.close();
});
