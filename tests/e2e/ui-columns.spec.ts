import { test, type Locator, type Page } from '@playwright/test';
import { expect, signIn } from './fixtures';

const rows = (page: Page) => page.locator('[data-testid^="node-row-"]');
const header = (page: Page, name: string) =>
  page.getByTestId('node-table').getByRole('columnheader', { name, exact: true });

async function dashboard(page: Page) {
  await signIn(page);
  await expect(rows(page).first()).toBeVisible({ timeout: 30_000 });
}

/** Pixels of the chart's canvas close to a series colour: the line is really drawn, not only counted. */
const drawnPixels = (chart: Locator, rgb: [number, number, number]) =>
  chart.locator('canvas').evaluate((c: HTMLCanvasElement, [r, g, b]) => {
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4)
      if (
        data[i + 3]! > 200 &&
        Math.abs(data[i]! - r) < 40 &&
        Math.abs(data[i + 1]! - g) < 40 &&
        Math.abs(data[i + 2]! - b) < 40
      )
        n++;
    return n;
  }, rgb);

test('the column chooser adds zone, instance type and labels, hides roles, and a reload keeps the choice', async ({
  page,
}) => {
  await dashboard(page);
  await expect(header(page, 'Zone')).toHaveCount(0);
  await expect(header(page, 'Roles')).toBeVisible();

  await page.getByRole('button', { name: 'Columns' }).click();
  await page.getByRole('checkbox', { name: 'Zone' }).check();
  await page.getByRole('checkbox', { name: 'Instance type' }).check();
  await page.getByRole('checkbox', { name: 'Labels' }).check();
  await page.getByRole('checkbox', { name: 'Roles' }).uncheck();
  await expect(page.getByRole('checkbox', { name: 'Name' })).toBeDisabled();
  await page.keyboard.press('Escape');

  const check = async () => {
    await expect(header(page, 'Zone')).toBeVisible();
    await expect(header(page, 'Instance type')).toBeVisible();
    await expect(header(page, 'Roles')).toHaveCount(0);
    const first = rows(page).first();
    await expect(first.locator('[data-column=zone]')).toHaveText(/^sim-zone-[abc]$/);
    await expect(first.locator('[data-column=instanceType]')).toHaveText(/^[a-z0-9]+\.\d*x?large$/);
    const labels = first.locator('[data-column=labels]');
    await expect(labels).toHaveText(/^\d+$/);
    expect(Number(await labels.textContent())).toBeGreaterThanOrEqual(7);
    await expect(labels).toHaveAttribute('title', /kubernetes\.io\/hostname=/);
    await expect(first.locator('[data-column=roles]')).toHaveCount(0);
    // cells keep their roles, and header cells without a server sort are not buttons
    const columns = await page.getByTestId('node-table').getByRole('columnheader').count();
    await expect(first.getByRole('cell')).toHaveCount(columns);
    await expect(page.getByRole('button', { name: 'Zone' })).toHaveCount(0);
  };
  await check();
  await page.reload();
  await expect(rows(page).first()).toBeVisible({ timeout: 30_000 });
  await check();
});

test('CPU and memory usage from metrics.k8s.io stand next to the requests, in cores and GiB', async ({
  page,
}) => {
  await dashboard(page);
  const headers = await page.getByTestId('node-table').getByRole('columnheader').allTextContents();
  const at = (label: string) => headers.findIndex((h) => h.startsWith(label));
  expect(at('CPU use')).toBe(at('CPU req.') + 1);
  expect(at('Memory use')).toBe(at('Memory req.') + 1);

  const first = rows(page).first();
  const cpu = first.locator('[data-column=cpuUsage] [title]');
  await expect(cpu).toHaveAttribute('title', /^CPU usage [\d.]+ cores? of [\d.]+ cores allocatable$/, {
    timeout: 30_000,
  });
  await expect(first.locator('[data-column=cpuUsage]')).toHaveText(/^\d+%$/);
  await expect(first.locator('[data-column=memoryUsage] [title]')).toHaveAttribute(
    'title',
    /^Memory usage [\d.]+ GiB of [\d.]+ GiB allocatable$/,
  );
  await expect(first.locator('[data-column=memory] [title]')).toHaveAttribute('title', /GiB allocatable$/);
});

test('arrow keys move between rows and keep the focused row in view, Enter opens it, / focuses search', async ({
  page,
}) => {
  await dashboard(page);
  const first = rows(page).first();
  await first.focus();
  const focused = () =>
    page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.index ?? null);
  await page.keyboard.press('ArrowDown');
  expect(await focused()).toBe('1');
  await page.keyboard.press('ArrowUp');
  expect(await focused()).toBe('0');
  await page.keyboard.press('ArrowUp');
  expect(await focused()).toBe('0');
  // far below the first screen: the virtualized table scrolls the focused row into view
  for (let i = 0; i < 70; i++) await page.keyboard.press('ArrowDown');
  await expect.poll(focused).toBe('70');
  const row70 = page.locator('[role=row][data-index="70"]');
  await expect(row70).toBeInViewport();
  expect(await row70.getAttribute('tabindex')).toBe('0');
  const name = (await row70.getAttribute('data-testid'))!.replace('node-row-', '');

  await page.keyboard.press('Enter');
  const panel = page.getByRole('complementary', { name: 'Node details' });
  await expect(panel).toContainText(name);
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);

  await row70.focus();
  await page.keyboard.press('/');
  const search = page.getByTestId('filter-text');
  await expect(search).toBeFocused();
  // typing a slash in the search field types it
  await page.keyboard.type('a/b');
  await expect(search).toHaveValue('a/b');
});

test('the node page charts CPU, memory and pods over the last hour, drawn on canvas', async ({ page }) => {
  test.setTimeout(150_000);
  await dashboard(page);
  const name = (await rows(page).first().getAttribute('data-testid'))!.replace('node-row-', '');
  await page.goto(`/clusters/demo/nodes/${name}`);
  const charts = page.getByTestId('usage-charts');
  await expect(charts.locator('canvas')).toHaveCount(3, { timeout: 30_000 });
  const cpu = page.getByTestId('chart-cpu');
  // one sample at once, the next one interval (15 s) later: then there is a line to draw
  await expect
    .poll(async () => Number(await cpu.getAttribute('data-points')), { timeout: 40_000 })
    .toBeGreaterThanOrEqual(2);
  // a line, not a dot: the samples so far span the chart's narrowest range (2 minutes)
  const drawn = { timeout: 40_000 };
  await expect.poll(() => drawnPixels(cpu, [2, 132, 199]), drawn).toBeGreaterThan(15);
  await expect
    .poll(() => drawnPixels(page.getByTestId('chart-memory'), [124, 58, 237]), drawn)
    .toBeGreaterThan(15);
  await expect
    .poll(() => drawnPixels(page.getByTestId('chart-pods'), [5, 150, 105]), drawn)
    .toBeGreaterThan(15);
  const last = JSON.parse((await cpu.getAttribute('data-last'))!) as [number, number];
  expect(last[0]).toBeGreaterThan(0);
  expect(last[0]).toBeLessThan(last[1]);
  await expect(cpu).toContainText('cores');
  await expect(page.getByTestId('usage-unavailable')).toHaveCount(0);
});
