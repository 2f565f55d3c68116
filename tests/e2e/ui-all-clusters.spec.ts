import { readFile } from 'node:fs/promises';
import { load } from 'js-yaml';
import { test, type Page } from '@playwright/test';
import { startSimulator, type Simulator } from '@/lib/sim';
import { expect, signIn } from './fixtures';
import { parseCsv } from '@/lib/nodes/testing/parse-csv';

// The all-clusters view against the shared server's demo cluster plus a simulator of the test's own:
// both merged in one table, live on one WebSocket, and the export files equal to what the view shows.
let sim: Simulator;
const cluster = `fv-${Date.now().toString(36)}`;
const label = 'fleetview-e2e';
let demoNodes: string[] = [];

test.beforeAll(async () => {
  sim = await startSimulator({ nodes: 6, podsPerNode: 1, seed: 7 });
  for (const n of sim.store.nodeNames()) sim.store.setNodeLabels(n, { [label]: 'yes' });
});

test.afterAll(async ({ browser }) => {
  const page = await browser.newPage();
  await signIn(page);
  const headers = { origin: new URL(page.url()).origin };
  for (const n of demoNodes) {
    await page.request.post(`/api/v1/clusters/demo/nodes/${n}/uncordon`, { headers });
    await page.request.post(`/api/v1/clusters/demo/nodes/${n}/labels`, {
      data: { remove: [label] },
      headers,
    });
  }
  await page.request.delete(`/api/v1/clusters/${cluster}`, { headers });
  await page.close();
  await sim?.close();
});

/** The rows the view shows, in order: `cluster/node`. */
const shownRows = (page: Page) =>
  page
    .locator('[data-testid^="fleet-row-"]')
    .evaluateAll((els) =>
      els.map((e) => `${(e as HTMLElement).dataset.cluster}/${(e as HTMLElement).dataset.node}`),
    );

/** Registers the test's simulator (once per run of the file) and waits for its nodes. */
async function addCluster(page: Page) {
  const listed = await page.request.get('/api/v1/clusters');
  if (!(await listed.text()).includes(`"${cluster}"`)) {
    const added = await page.request.post('/api/v1/clusters', {
      data: { name: cluster, kubeconfig: sim.kubeconfig() },
      headers: { origin: new URL(page.url()).origin },
    });
    expect(added.status(), await added.text()).toBe(201);
  }
  await expect
    .poll(async () => (await (await page.request.get(`/api/v1/clusters/${cluster}/nodes`)).json()).synced, {
      timeout: 30_000,
    })
    .toBe(true);
}

async function download(page: Page, format: 'csv' | 'yaml'): Promise<string> {
  await page.getByTestId('export-menu').click();
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId(`export-${format}`).click(),
  ]);
  return readFile(await file.path(), 'utf8');
}

test('all clusters: two clusters merged live on one connection, and the export is the view', async ({
  page,
}) => {
  await signIn(page);
  const headers = { origin: new URL(page.url()).origin };
  await addCluster(page);
  // two demo nodes join the view through the app
  const demo = (await (await page.request.get('/api/v1/clusters/demo/nodes?sort=name&limit=2')).json()) as {
    items: { name: string }[];
  };
  demoNodes = demo.items.map((n) => n.name);
  for (const n of demoNodes) {
    const r = await page.request.post(`/api/v1/clusters/demo/nodes/${n}/labels`, {
      data: { set: { [label]: 'yes' } },
      headers,
    });
    expect(r.status(), await r.text()).toBe(200);
  }

  await expect(page.getByRole('link', { name: 'All clusters' })).toHaveAttribute('href', '/all');
  // a fresh load (this page listed its clusters before the new one was added), watching its sockets
  const sockets = new Set<object>();
  page.on('websocket', (ws) => {
    if (!ws.url().includes('/api/v1/ws/nodes')) return;
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
  });
  await page.goto('/all');
  await page.getByTestId('filter-selector').fill(`${label}=yes`);
  await expect(page).toHaveURL(/labelSelector=fleetview-e2e(=|%3D)yes/);
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live', {
    timeout: 30_000,
  });
  const count = page.getByTestId('fleet-count');
  await expect(count).toHaveAttribute('data-count', '8');
  const rows = await shownRows(page);
  expect(new Set(rows.map((r) => r.split('/')[0]))).toEqual(new Set(['demo', cluster]));

  // a change in either cluster shows without a reload
  const simNode = sim.store.nodeNames().sort()[0]!;
  sim.store.cordonNode(simNode);
  await expect(page.getByTestId(`fleet-row-${cluster}-${simNode}`)).toHaveAttribute(
    'data-unschedulable',
    'true',
  );
  const cordon = await page.request.post(`/api/v1/clusters/demo/nodes/${demoNodes[0]}/cordon`, {
    data: { reason: 'e2e' },
    headers,
  });
  expect(cordon.status()).toBe(200);
  await expect(page.getByTestId(`fleet-row-demo-${demoNodes[0]}`)).toHaveAttribute(
    'data-unschedulable',
    'true',
  );
  sim.store.createNode({ name: 'fv-added', labels: { [label]: 'yes' } });
  await expect(page.getByTestId(`fleet-row-${cluster}-fv-added`)).toBeVisible();
  await expect(count).toHaveAttribute('data-count', '9');
  expect(sockets.size, 'one WebSocket for every cluster').toBe(1);

  // export: the file's rows are the view's rows, in its order (sorted by status: cordoned first)
  await page.getByRole('button', { name: 'Status', exact: true }).click();
  await expect(page).toHaveURL(/sort=status/);
  const view = await shownRows(page);
  expect(view).toHaveLength(9);
  const [header, ...csv] = parseCsv(await download(page, 'csv'));
  expect(header!.slice(0, 3)).toEqual(['cluster', 'name', 'status']);
  expect(csv.map((r) => `${r[0]}/${r[1]}`)).toEqual(view);
  const yaml = load(await download(page, 'yaml')) as { cluster: string; name: string }[];
  expect(yaml.map((n) => `${n.cluster}/${n.name}`)).toEqual(view);

  // a row opens its cluster's node page
  await page.getByTestId(`fleet-row-${cluster}-${simNode}`).getByRole('link').click();
  await page.waitForURL((u) => u.pathname === `/clusters/${cluster}/nodes/${simNode}`);
  await expect(page.getByTestId('node-detail')).toBeVisible();
  await expect(page.getByTestId('cordon-info')).toHaveAttribute('data-source', 'outside');
});

test('the dashboard exports its cluster view', async ({ page }) => {
  await signIn(page);
  await addCluster(page);
  const total = (await (await page.request.get(`/api/v1/clusters/${cluster}/nodes`)).json()).total as number;
  await page.goto(`/?cluster=${cluster}&sort=-name`);
  const rows = page.locator('[data-testid^="node-row-"]');
  await expect(rows).toHaveCount(total);
  const names = await rows.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.testid!.slice(9)));
  const [, ...csv] = parseCsv(await download(page, 'csv'));
  expect(csv.map((r) => r[0])).toEqual(names);
});
