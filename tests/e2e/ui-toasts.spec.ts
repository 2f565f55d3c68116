import AxeBuilder from '@axe-core/playwright';
import { test, type Page } from '@playwright/test';
import { textContrastFailures } from './contrast';
import { expect } from './fixtures';
import { OwnServer } from './own-server';

/** Toasts for pushed node changes, on a quiet server of our own (no demo churn) so each toast is ours. */

let srv: OwnServer;
test.beforeAll(async () => {
  srv = await OwnServer.create();
});
test.afterAll(() => srv.dispose());

const toasts = (page: Page) => page.locator('[data-sonner-toast]');

async function nodeNames(page: Page): Promise<string[]> {
  const r = await page.request.get(`${srv.url}/api/v1/clusters/demo/nodes`);
  return ((await r.json()) as { items: Array<{ name: string }> }).items.map((n) => n.name);
}

const post = (page: Page, path: string, data: unknown) =>
  page.request.post(`${srv.url}${path}`, { data, headers: { origin: srv.url } });

test('pushed changes become toasts: one per node when few, one aggregate when many', async ({ page }) => {
  test.setTimeout(90_000);
  await srv.signIn(page);
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live', {
    timeout: 30_000,
  });
  const names = await nodeNames(page);

  // another client labels one node
  expect(
    (await post(page, `/api/v1/clusters/demo/nodes/${names[1]}/labels`, { set: { 'e2e/t': '1' } })).status(),
  ).toBe(200);
  await expect(toasts(page).filter({ hasText: `Node ${names[1]}: labels updated` })).toBeVisible();

  // and cordons it
  expect((await post(page, `/api/v1/clusters/demo/nodes/${names[1]}/cordon`, {})).status()).toBe(200);
  await expect(toasts(page).filter({ hasText: `Node ${names[1]} cordoned` })).toBeVisible();
  await post(page, `/api/v1/clusters/demo/nodes/${names[1]}/uncordon`, {});
  await expect(toasts(page).filter({ hasText: `Node ${names[1]} uncordoned` })).toBeVisible();

  // a batch over twelve nodes: one toast, not twelve
  const batch = names.slice(4, 16);
  const op = await post(page, '/api/v1/clusters/demo/operations', {
    kind: 'labels',
    nodes: batch,
    params: { set: { 'e2e/batch': 'yes' } },
  });
  expect(op.status(), await op.text()).toBe(202);
  await expect(toasts(page).filter({ hasText: '12 nodes updated' })).toBeVisible();
  await expect(toasts(page).filter({ hasText: '12 nodes updated' })).toContainText('12 changed');
  await expect(toasts(page).filter({ hasText: `Node ${batch[0]}:` })).toHaveCount(0);
  // settled toasts pass axe and the contrast check, light and dark. The pointer rests on a toast, which
  // pauses their timers (as for a user reading them): the two passes outlast a toast's lifetime
  await toasts(page).filter({ hasText: '12 nodes updated' }).hover();
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await page.waitForTimeout(500);
    const axe = await new AxeBuilder({ page }).include('[data-sonner-toaster]').analyze();
    expect(axe.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious')).toEqual([]);
    expect(await textContrastFailures(page)).toEqual([]);
    await page.screenshot({ path: `test-results/screenshots/toasts-${theme}.png` });
  }
});

test('the open node: a notice when someone else changes it, none for the user’s own edit', async ({
  page,
}) => {
  test.setTimeout(90_000);
  await srv.signIn(page);
  const name = (await nodeNames(page))[2]!;
  await page.goto(`${srv.url}/clusters/demo/nodes/${name}`);
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live', {
    timeout: 30_000,
  });

  // the user's own cordon from this page: its echo is not "someone else"
  await page.getByTestId('tab-actions').click();
  await page.getByTestId('cordon').click();
  await expect(page.getByTestId('node-detail')).toContainText('SchedulingDisabled');
  await expect(toasts(page).filter({ hasText: `Node ${name} cordoned` })).toBeVisible();
  await expect(toasts(page).filter({ hasText: 'someone else' })).toHaveCount(0);

  // someone else taints it
  const r = await post(page, `/api/v1/clusters/demo/nodes/${name}/taints`, {
    add: [{ key: 'e2e/other', value: 'x', effect: 'NoSchedule' }],
  });
  expect(r.status(), await r.text()).toBe(200);
  const notice = toasts(page).filter({ hasText: `${name} was changed by someone else` });
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('taints changed');
  await page.getByTestId('uncordon').click();
});
