import { test, type Page } from '@playwright/test';
import { expect, signIn } from './fixtures';

const rows = (page: Page) => page.locator('[data-testid^="node-row-"]');
/** rows nobody (demo churn, earlier tests) has cordoned */
const schedulable = (page: Page) => page.locator('[data-testid^="node-row-"][data-unschedulable=false]');

async function nameOf(row: ReturnType<Page['locator']>): Promise<string> {
  return (await row.getAttribute('data-testid'))!.replace('node-row-', '');
}

test.describe('node dashboard', () => {
  test.beforeEach(async ({ page }) => {
    await signIn(page);
    await expect(rows(page).first()).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', /live|fallback-sse/);
  });

  test('lists the demo cluster live and windows the table', async ({ page }) => {
    await expect(page.getByTestId('cluster-picker')).toContainText('demo');
    const total = Number(await page.getByTestId('node-count').getAttribute('data-total'));
    expect(total).toBeGreaterThan(50);
    // windowing: far fewer rows mounted than nodes listed
    expect(await rows(page).count()).toBeLessThan(total);
    await page.getByTestId('node-table').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect(rows(page).last()).toBeVisible();
  });

  test('cordons and uncordons one node from the panel (read-your-writes)', async ({ page }) => {
    const name = await nameOf(schedulable(page).first());
    await page.getByTestId(`node-row-${name}`).click();
    await expect(page.getByTestId('node-detail')).toHaveAttribute('data-node', name);
    await page.getByTestId('tab-actions').click();
    await page.getByTestId('cordon').click();
    await expect(page.getByTestId(`node-row-${name}`)).toHaveAttribute('data-unschedulable', 'true');
    await page.getByTestId('uncordon').click();
    await expect(page.getByTestId(`node-row-${name}`)).toHaveAttribute('data-unschedulable', 'false');
  });

  test('edits labels with validation and filters by label selector', async ({ page }) => {
    const name = await nameOf(rows(page).first());
    const key = `e2e/ui-${Date.now()}`;
    await rows(page).first().click();
    await page.getByTestId('tab-labels').click();
    await page.getByTestId('label-add').click();
    const editor = page.getByTestId('labels-editor');
    await editor.locator('input[aria-label^="Label key"]').last().fill(key);
    await editor.locator('input[aria-label^="Label value"]').last().fill('not valid');
    await expect(editor).toContainText('value must be');
    await expect(page.getByTestId('labels-save')).toBeDisabled();
    await editor.locator('input[aria-label^="Label value"]').last().fill('yes');
    await page.getByTestId('labels-save').click();
    await expect(editor).toContainText('Saved');
    await page.getByTestId('panel-close').click();
    await page.getByTestId('filter-selector').fill(`${key}=yes`);
    await expect(page.getByTestId('node-count')).toHaveAttribute('data-count', '1');
    await expect(page.getByTestId(`node-row-${name}`)).toBeVisible();
    await page.getByTestId('filter-selector').fill(`${key} in (yes`);
    await expect(page.getByTestId('filter-bar')).toContainText('invalid');
  });

  test('batch-cordons selected nodes with live progress', async ({ page }) => {
    const names: string[] = [];
    for (const i of [1, 2, 3]) names.push(await nameOf(schedulable(page).nth(i)));
    for (const n of names) await page.getByTestId(`node-row-${n}`).locator('input[type=checkbox]').check();
    await expect(page.getByTestId('selected-count')).toHaveText('3 selected');
    await page.getByTestId('batch-cordon').click();
    await page.getByTestId('batch-confirm').click();
    await expect(page.getByTestId('operation-progress')).toHaveAttribute('data-state', 'succeeded', {
      timeout: 20_000,
    });
    await expect(page.getByTestId('operation-counts')).toContainText('3/3');
    await page.getByTestId('batch-close').click();
    for (const n of names)
      await expect(page.getByTestId(`node-row-${n}`)).toHaveAttribute('data-unschedulable', 'true');
    await page.getByTestId('batch-uncordon').click();
    await page.getByTestId('batch-confirm').click();
    await expect(page.getByTestId('operation-progress')).toHaveAttribute('data-state', 'succeeded', {
      timeout: 20_000,
    });
    await page.getByTestId('batch-close').click();
    for (const n of names)
      await expect(page.getByTestId(`node-row-${n}`)).toHaveAttribute('data-unschedulable', 'false');
  });

  /** a schedulable node whose pods (as the app's node detail reports them) satisfy `want` */
  async function nodeWhosePods(page: Page, want: (pods: Array<{ name: string }>) => boolean) {
    const names = await schedulable(page).evaluateAll((els) =>
      els.map((e) => e.getAttribute('data-testid')!.replace('node-row-', '')),
    );
    for (const name of names.slice(3)) {
      const res = await page.request.get(`/api/v1/clusters/demo/nodes/${name}`);
      if (res.ok() && want(((await res.json()) as { pods: Array<{ name: string }> }).pods)) return name;
    }
    throw new Error('no node with the wanted pods');
  }

  async function drainFromPanel(page: Page, name: string, deleteEmptyDirData: boolean) {
    await page.getByTestId(`node-row-${name}`).click();
    await page.getByTestId('tab-actions').click();
    await page.getByTestId('drain').click();
    if (deleteEmptyDirData) await page.getByLabel(/Delete pods using emptyDir/).check();
    await page.getByTestId('drain-confirm').click();
    return page.getByTestId('node-actions').getByTestId('operation-progress');
  }

  test('drains one node from the panel: it succeeds, and the node stays cordoned until uncordoned', async ({
    page,
  }) => {
    const name = await nodeWhosePods(page, (pods) => pods.some((p) => p.name.startsWith('worker-')));
    const progress = await drainFromPanel(page, name, true);
    await expect(progress).toHaveAttribute('data-state', /succeeded|failed/, { timeout: 60_000 });
    // a failure fails here at once, with its reason
    expect(await progress.getAttribute('data-state'), await progress.innerText()).toBe('succeeded');
    await expect(progress.getByTestId('operation-counts')).toHaveText('1/1 processed');
    await expect(page.getByTestId(`node-row-${name}`)).toHaveAttribute('data-unschedulable', 'true');
    // the evictable pods are gone (DaemonSet pods stay)
    const left = (await (await page.request.get(`/api/v1/clusters/demo/nodes/${name}`)).json()) as {
      pods: Array<{ name: string; namespace: string }>;
    };
    expect(left.pods.filter((p) => p.name.startsWith('worker-'))).toEqual([]);
    await page.getByTestId('uncordon').click();
    await expect(page.getByTestId(`node-row-${name}`)).toHaveAttribute('data-unschedulable', 'false');
  });

  test('a drain that must fail (emptyDir data not allowed) shows failed with the node and the reason', async ({
    page,
  }) => {
    const name = await nodeWhosePods(page, (pods) => pods.some((p) => p.name.startsWith('worker-')));
    const progress = await drainFromPanel(page, name, false);
    await expect(progress).toHaveAttribute('data-state', 'failed', { timeout: 60_000 });
    await expect(progress).toContainText(name);
    await expect(progress).toContainText(/worker-\S+ \(uses emptyDir local data; set deleteEmptyDirData\)/);
    // a drain cordons first, whatever happens to the evictions
    await expect(page.getByTestId(`node-row-${name}`)).toHaveAttribute('data-unschedulable', 'true');
    await page.getByTestId('uncordon').click();
    await expect(page.getByTestId(`node-row-${name}`)).toHaveAttribute('data-unschedulable', 'false');
  });
});
