import { test, type Page } from '@playwright/test';
import { expect, signIn } from './fixtures';

interface Pod {
  name: string;
  namespace: string;
}

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
    await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live');
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

  test('the URL holds the view: rows follow the REST list of the same query, and a reload restores it', async ({
    page,
  }) => {
    const firstNames = async () => {
      const ids = await rows(page).evaluateAll((els) =>
        els.slice(0, 10).map((e) => e.getAttribute('data-testid')),
      );
      return ids.map((id) => id!.replace('node-row-', ''));
    };
    const restNames = async () => {
      const r = await page.request.get('/api/v1/clusters/demo/nodes?status=Ready&sort=-pods&limit=10');
      return ((await r.json()) as { items: { name: string }[] }).items.map((n) => n.name);
    };
    const pods = page.getByRole('columnheader', { name: 'Pods' });
    await pods.click();
    await pods.click();
    await page.getByTestId('filter-status').selectOption('Ready');
    await expect(page).toHaveURL(/status=Ready/);
    await expect(page).toHaveURL(/sort=-pods/);
    // the browser shows the server's order as is (the demo churns, so compare until a quiet moment)
    await expect
      .poll(async () => JSON.stringify(await firstNames()) === JSON.stringify(await restNames()))
      .toBe(true);
    await page.reload();
    await expect(rows(page).first()).toBeVisible({ timeout: 30_000 });
    await expect(pods).toHaveAttribute('aria-sort', 'descending');
    await expect(page.getByTestId('filter-status')).toHaveValue('Ready');
    await expect
      .poll(async () => JSON.stringify(await firstNames()) === JSON.stringify(await restNames()))
      .toBe(true);
  });

  test('the open node is in the URL: a reload or a shared link opens it, closing removes it', async ({
    page,
    browser,
  }) => {
    const name = await nameOf(rows(page).nth(2));
    await page.getByTestId(`node-row-${name}`).click();
    await expect(page.getByTestId('node-detail')).toHaveAttribute('data-node', name);
    await expect(page).toHaveURL(new RegExp(`[?&]node=${name}(&|$)`));
    await page.reload();
    await expect(page.getByTestId('node-detail')).toHaveAttribute('data-node', name, { timeout: 30_000 });
    const link = page.url();
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('node-detail')).toHaveCount(0);
    await expect(page).not.toHaveURL(/[?&]node=/);
    // a colleague's browser, same account, opening the shared link
    const other = await browser.newContext({ storageState: await page.context().storageState() });
    const tab = await other.newPage();
    await tab.goto(link);
    await expect(tab.getByTestId('node-detail')).toHaveAttribute('data-node', name, { timeout: 30_000 });
    await other.close();
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

  const podsOf = async (page: Page, node: string) =>
    ((await (await page.request.get(`/api/v1/clusters/demo/nodes/${node}`)).json()) as { pods: Pod[] }).pods;
  const workers = (pods: Pod[]) => pods.flatMap((p) => (p.name.startsWith('worker-') ? [p.name] : []));

  /** a schedulable node with a worker pod (they use emptyDir), and those pods' names */
  async function nodeWithWorkers(page: Page): Promise<{ name: string; pods: string[] }> {
    const names = await schedulable(page).evaluateAll((els) =>
      els.map((e) => e.getAttribute('data-testid')!.replace('node-row-', '')),
    );
    for (const name of names.slice(3)) {
      const pods = workers(await podsOf(page, name));
      if (pods.length) return { name, pods };
    }
    throw new Error('no schedulable node with a worker pod');
  }

  async function drainFromPanel(page: Page, name: string, deleteEmptyDirData: boolean) {
    await page.getByTestId(`node-row-${name}`).click();
    await page.getByTestId('tab-actions').click();
    await page.getByTestId('drain').click();
    if (deleteEmptyDirData) await page.getByLabel(/Delete emptyDir data/).check();
    await page.getByTestId('drain-confirm').click();
    return page.getByTestId('node-actions').getByTestId('operation-progress');
  }

  test('drains one node from the panel: it succeeds, and the node stays cordoned until uncordoned', async ({
    page,
  }) => {
    const { name, pods } = await nodeWithWorkers(page);
    const progress = await drainFromPanel(page, name, true);
    await expect(progress).toHaveAttribute('data-state', /succeeded|failed/, { timeout: 60_000 });
    // a failure fails here at once, with its reason
    expect(await progress.getAttribute('data-state'), await progress.innerText()).toBe('succeeded');
    await expect(progress.getByTestId('operation-counts')).toHaveText('1/1 processed');
    await expect(page.getByTestId(`node-row-${name}`)).toHaveAttribute('data-unschedulable', 'true');
    // the pods it had are gone, emptyDir ones included (demo churn may have placed new ones since)
    const left = workers(await podsOf(page, name));
    expect(pods.filter((p) => left.includes(p))).toEqual([]);
    await page.getByTestId('uncordon').click();
    await expect(page.getByTestId(`node-row-${name}`)).toHaveAttribute('data-unschedulable', 'false');
  });

  test('a drain that must fail (emptyDir data not allowed) shows failed with the node and the reason', async ({
    page,
  }) => {
    const { name } = await nodeWithWorkers(page);
    const progress = await drainFromPanel(page, name, false);
    await expect(progress).toHaveAttribute('data-state', 'failed', { timeout: 60_000 });
    await expect(progress).toContainText(name);
    // the reason names the checkbox to tick, in the dialog's words
    await expect(progress).toContainText(
      /worker-\S+ \(uses emptyDir local data; tick "Delete emptyDir data" to evict it/,
    );
    // a drain that is refused before it starts leaves the node schedulable
    await expect(page.getByTestId(`node-row-${name}`)).toHaveAttribute('data-unschedulable', 'false');
  });
});
