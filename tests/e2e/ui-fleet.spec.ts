import { test, type Page } from '@playwright/test';
import { startSimulator, type Simulator } from '@/lib/sim';
import { expect, signIn } from './fixtures';

// Safe fleet operations from the UI, against a simulator of the test's own (no churn), registered
// as cluster "fleet", so every claim is checked against the cluster's ground truth.
let sim: Simulator;
let wave: string[];
let pdbNode: string;
// a name per run of the file: a retried worker starts a new simulator, on another port
const cluster = `fleet-${Date.now().toString(36)}`;
const unschedulable = (node: string) =>
  (sim.store.getNode(node).spec as { unschedulable?: boolean }).unschedulable === true;

function barePod(node: string, name: string) {
  sim.store.createPod({
    metadata: { name, namespace: 'apps', labels: { bare: 'yes' } },
    spec: { nodeName: node, containers: [{ name: 'main', image: 'nginx' }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  });
}

test.beforeAll(async () => {
  sim = await startSimulator({ nodes: 24, podsPerNode: 2, seed: 5, podGracePeriodSeconds: 0 });
  const workers = sim.store
    .nodeNames()
    .filter((n) => !sim.store.getNode(n).metadata.labels?.['node-role.kubernetes.io/control-plane'])
    .sort();
  wave = workers.slice(0, 20);
  for (const n of wave) sim.store.setNodeLabels(n, { wave: 'e2e' });
  // four nodes a drain refuses (a pod nothing owns), after eight that drain
  for (const n of wave.slice(8, 12)) barePod(n, `bare-${n}`);
  pdbNode = workers[20]!;
});
test.afterAll(async () => {
  await sim?.close();
});

async function openFleet(page: Page) {
  await signIn(page);
  const listed = await page.request.get('/api/v1/clusters');
  if (!JSON.stringify(await listed.json()).includes(`"${cluster}"`)) {
    // added through Settings: a passing connection test says "Reachable" until the cluster is added
    await page.goto('/settings');
    const section = page.getByTestId('clusters-section');
    await section.getByLabel('Name', { exact: true }).fill(cluster);
    await section.getByRole('textbox', { name: 'Kubeconfig' }).fill(sim.kubeconfig());
    await section.getByRole('button', { name: 'Test connection' }).click();
    await expect(section.getByTestId('cluster-test-result')).toContainText('Reachable');
    await section.getByRole('button', { name: 'Add cluster' }).click();
    await expect(section.locator('tbody')).toContainText(cluster);
    await expect(section.getByTestId('cluster-test-result')).toHaveCount(0);
    await page.goto('/');
  }
  await expect
    .poll(async () => (await (await page.request.get(`/api/v1/clusters/${cluster}/nodes`)).json()).total, {
      timeout: 30_000,
    })
    .toBe(24);
  await page.reload();
  await page.getByTestId(`cluster-option-${cluster}`).click();
  await expect(page.getByTestId(`node-row-${wave[0]}`)).toBeVisible({ timeout: 30_000 });
}

test('a drain batch by label selector with max unavailable 5 and stop after 3 failures', async ({ page }) => {
  await openFleet(page);
  // ground truth: every node write in the simulator, as it happens
  const cordoned = new Set(sim.store.nodeNames().filter(unschedulable));
  let peak = cordoned.size;
  const off = sim.store.subscribe((ev) => {
    if (ev.resource !== 'nodes') return;
    const obj = ev.entry.obj;
    if ((obj.spec as { unschedulable?: boolean } | undefined)?.unschedulable && ev.type !== 'DELETED')
      cordoned.add(obj.metadata.name);
    else cordoned.delete(obj.metadata.name);
    peak = Math.max(peak, cordoned.size);
  });

  // nothing selected: the batch bar offers the actions for a label selector
  await expect(page.getByTestId('selected-count')).toHaveText('By label selector:');
  await page.getByTestId('batch-drain').click();
  const dialog = page.getByTestId('batch-dialog');
  await expect(dialog.getByTestId('batch-target-selection')).toBeDisabled();
  await expect(dialog.getByTestId('batch-target-selector')).toBeChecked();
  await dialog.getByTestId('batch-selector').fill('wave=e2e');
  await dialog.getByTestId('batch-max-unavailable').fill('5');
  await dialog.getByTestId('batch-stop-after').fill('3');
  await dialog.getByLabel(/Delete emptyDir data/).check();
  await dialog.getByTestId('batch-preview-button').click();
  await expect(dialog.getByTestId('batch-preview-summary')).toHaveAttribute('data-total', '20');
  await expect(dialog.getByTestId('batch-preview-warning')).toContainText('at most 5 at a time');
  await page.screenshot({ path: 'test-results/e2e/fleet-batch-preview.png' });

  const started = page.waitForResponse(
    (r) => r.url().endsWith(`/api/v1/clusters/${cluster}/operations`) && r.request().method() === 'POST',
  );
  await dialog.getByTestId('batch-confirm').click();
  const id = ((await (await started).json()) as { operation: { id: string } }).operation.id;

  // "maintenance": a drained node is uncordoned a moment later, freeing its slot
  const returned = new Set<string>();
  let state = 'running';
  let sawWaiting = false;
  while (state === 'running') {
    const op = (await (await page.request.get(`/api/v1/operations/${id}`)).json()).operation as {
      state: string;
      results: Record<string, { state: string }>;
    };
    state = op.state;
    for (const [node, r] of Object.entries(op.results))
      if (r.state === 'succeeded' && !returned.has(node)) {
        returned.add(node);
        setTimeout(() => sim.store.cordonNode(node, false), 300);
      }
    if (!sawWaiting && (await dialog.getByTestId('operation-waiting').count()) > 0) sawWaiting = true;
    await page.waitForTimeout(150);
  }
  off();
  const progress = dialog.getByTestId('operation-progress');
  await expect(progress).toHaveAttribute('data-state', 'stopped');
  await expect(dialog.getByTestId('operation-reason')).toContainText(
    /stopped after 3 failed nodes \(stop after 3 failures\); \d+ nodes skipped/,
  );
  await expect(progress).toContainText('tick "Force: evict pods without a controller"');
  await page.screenshot({ path: 'test-results/e2e/fleet-batch-stopped.png' });
  expect(peak).toBeLessThanOrEqual(5);
  expect(peak).toBe(5);
  expect(sawWaiting).toBe(true);
  // nodes a drain refused stay schedulable
  expect(wave.slice(8, 12).filter(unschedulable)).toEqual([]);

  // the audit: the batch with its real outcome and summary, one row per node it touched
  await dialog.getByTestId('batch-close').click();
  await page.goto('/audit');
  const batchRow = page.getByTestId('audit-row').filter({ hasText: 'batch.drain' }).first();
  await expect(batchRow).toContainText('stopped');
  // a fourth refused node may have been in flight when the third failed: it finishes, nothing else starts
  await expect(batchRow.getByTestId('audit-summary')).toContainText(
    /^\d+ succeeded, [34] failed, \d+ skipped of 20 nodes; stopped after 3 failed nodes/,
  );
  const audit = (await (await page.request.get('/api/v1/audit?action=node.drain&limit=200')).json()) as {
    items: Array<{ target: string; result: string; parameters: { operation?: string } }>;
  };
  const rows = audit.items.filter((a) => a.parameters?.operation === id);
  const failed = rows.filter((a) => a.result === 'failure').map((a) => a.target);
  expect(failed.length).toBeGreaterThanOrEqual(3);
  expect(failed.every((n) => wave.slice(8, 12).includes(n))).toBe(true);
  expect(
    rows
      .filter((a) => a.result === 'success')
      .map((a) => a.target)
      .sort(),
  ).toEqual(wave.slice(0, 8).sort());
  expect(rows.every((a) => a.result === 'success' || a.result === 'failure')).toBe(true);
});

test('a drain from the node panel shows each pod, including a wait naming its budget', async ({ page }) => {
  await openFleet(page);
  sim.store.create(
    'poddisruptionbudgets',
    {
      metadata: { name: 'e2e-budget' },
      spec: { minAvailable: 100000, selector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] } },
    },
    'apps',
  );
  await page.getByTestId(`node-row-${pdbNode}`).click();
  await page.getByTestId('tab-actions').click();
  await page.getByTestId('drain').click();
  await page.getByLabel(/Delete emptyDir data/).check();
  await page.getByTestId('drain-confirm').click();
  const progress = page.getByTestId('node-actions').getByTestId('operation-progress');
  const waiting = progress.locator('[data-testid=drain-pod][data-state=waiting_pdb]').first();
  await expect(waiting).toContainText('waiting on PDB e2e-budget (0 disruptions allowed)');
  await page.screenshot({ path: 'test-results/e2e/fleet-drain-pdb-wait.png' });
  sim.store.delete('poddisruptionbudgets', 'apps', 'e2e-budget');
  await expect(progress).toHaveAttribute('data-state', 'succeeded', { timeout: 30_000 });
  expect(unschedulable(pdbNode)).toBe(true);
});
