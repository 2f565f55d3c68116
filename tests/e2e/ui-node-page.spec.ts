import { test, type Page } from '@playwright/test';
import { expect, signIn } from './fixtures';

interface Pod {
  name: string;
  namespace: string;
}
interface ListItem {
  name: string;
  unschedulable: boolean;
}

const podsOf = async (page: Page, node: string) =>
  ((await (await page.request.get(`/api/v1/clusters/demo/nodes/${node}`)).json()) as { pods: Pod[] }).pods;
const workers = (pods: Pod[]) => pods.flatMap((p) => (p.name.startsWith('worker-') ? [p.name] : []));

/** a schedulable node with worker pods (evictable), picked through the API */
async function nodeWithWorkers(page: Page, skip: number): Promise<{ name: string; pods: string[] }> {
  const list = (await (await page.request.get('/api/v1/clusters/demo/nodes')).json()) as {
    items: ListItem[];
  };
  for (const n of list.items.filter((i) => !i.unschedulable).slice(skip)) {
    const pods = workers(await podsOf(page, n.name));
    if (pods.length) return { name: n.name, pods };
  }
  throw new Error('no schedulable node with a worker pod');
}

test('node page: the Pods tab follows a drain made elsewhere, without a reload', async ({
  page,
  baseURL,
}) => {
  test.setTimeout(120_000);
  await signIn(page);
  const { name, pods } = await nodeWithWorkers(page, 20);
  await page.goto(`/clusters/demo/nodes/${name}`);
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live', {
    timeout: 30_000,
  });
  await page.getByTestId('tab-pods').click();
  const table = page.getByTestId('node-pods');
  for (const p of pods) await expect(table).toContainText(p);
  let navigations = 0;
  page.on('framenavigated', () => navigations++);

  // someone else drains the node (through the API, not through this page)
  const started = await page.request.post(`/api/v1/clusters/demo/nodes/${name}/drain`, {
    data: { deleteEmptyDirData: true, ignoreDaemonSets: true },
    headers: { origin: baseURL! },
  });
  expect(started.status(), await started.text()).toBe(202);
  // the evicted pods leave the tab as they go
  for (const p of pods) await expect(table).not.toContainText(p, { timeout: 60_000 });
  await expect(page.getByTestId('node-detail')).toContainText('SchedulingDisabled');
  expect(navigations).toBe(0);

  await page.request.post(`/api/v1/clusters/demo/nodes/${name}/uncordon`, { headers: { origin: baseURL! } });
});

test('node page in depth: YAML without managedFields and a copy button, annotations, who cordoned it and why', async ({
  page,
  context,
  baseURL,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  await signIn(page);
  const { name } = await nodeWithWorkers(page, 30);
  await page.goto(`/clusters/demo/nodes/${name}`);
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();

  await page.getByTestId('tab-yaml').click();
  const yaml = page.getByTestId('node-yaml');
  await expect(yaml).toContainText('kind: Node');
  await expect(yaml).toContainText(`name: ${name}`);
  await expect(yaml).not.toContainText('managedFields');
  await page.getByTestId('yaml-copy').click();
  await expect(page.getByTestId('yaml-copy')).toHaveText('Copied');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(await yaml.textContent());

  // cordon with a reason from the page: who, why and when appear where the cordon is shown
  const reason = `e2e reason ${Date.now()}`;
  await page.getByTestId('tab-actions').click();
  await page.getByLabel('Reason (optional, audited)').fill(reason);
  await page.getByTestId('cordon').click();
  const info = page.getByTestId('cordon-info');
  await expect(info).toContainText('Cordoned by admin');
  await expect(page.getByTestId('cordon-reason')).toHaveText(reason);
  await expect(info.locator('time')).toHaveAttribute('datetime', /^\d{4}-\d\d-\d\dT/);

  // the annotations the cordon wrote are listed in the overview, and the YAML follows the push
  await page.getByTestId('tab-overview').click();
  await expect(page.getByTestId('node-annotations')).toContainText('kube-node-manager.io/cordon-reason');
  await expect(page.getByTestId('node-annotations')).toContainText(reason);
  await page.getByTestId('tab-yaml').click();
  await expect(yaml).toContainText('unschedulable: true');

  await page.getByTestId('tab-actions').click();
  await page.getByTestId('uncordon').click();
  await expect(info).toHaveCount(0);
  await page.request.post(`/api/v1/clusters/demo/nodes/${name}/uncordon`, { headers: { origin: baseURL! } });
});
