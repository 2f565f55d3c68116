import { test } from '@playwright/test';
import { expect, signIn } from './fixtures';

test('the cluster tab agrees with the table and is pushed, never polled', async ({ page }) => {
  test.setTimeout(60_000);
  const clusterFetches: number[] = [];
  page.on('request', (r) => {
    if (r.method() === 'GET' && new URL(r.url()).pathname === '/api/v1/clusters')
      clusterFetches.push(Date.now());
  });
  await signIn(page);
  const tab = page.getByTestId('cluster-option-demo');
  const count = page.getByTestId('node-count');
  await expect(count).toHaveAttribute('data-total', /\d+/, { timeout: 30_000 });
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live');
  const settledAt = Date.now();
  // the demo cluster churns (nodes come, go and flap Ready): the tab keeps up with the table
  for (let i = 0; i < 8; i++) {
    await expect
      .poll(async () => {
        const total = await count.getAttribute('data-total');
        const text = (await tab.textContent()) ?? '';
        return text.endsWith(`/${total}`);
      })
      .toBe(true);
    await page.waitForTimeout(2_000);
  }
  // more than the old 15 s poll interval has passed without a single refetch of the cluster list
  expect(Date.now() - settledAt).toBeGreaterThan(15_000);
  expect(clusterFetches.filter((t) => t > settledAt)).toEqual([]);
});
