import { test } from '@playwright/test';
import { startSimulator, type Simulator } from '@/lib/sim';
import { seedIdentityPolicy } from '../integration/helpers/identity-policy';
import { expect, signIn } from './fixtures';

/**
 * A cluster in impersonate mode: the node panel asks the cluster what labeler may do, and the drain
 * button is disabled with the cluster's own reason (labeler may patch nodes, not evict).
 */
let sim: Simulator;
let userId = '';

test.afterAll(async ({ browser }) => {
  const page = await browser.newPage();
  await signIn(page);
  const origin = { origin: new URL(page.url()).origin };
  await page.request.delete('/api/v1/clusters/prod', { headers: origin });
  if (userId) await page.request.delete(`/api/v1/users/${userId}`, { headers: origin });
  await page.close();
  await sim?.close();
});

test('labeler sees the drain button disabled with the cluster’s reason; labels still work', async ({
  page,
  browser,
  baseURL,
}) => {
  sim = await startSimulator({ nodes: 3, podsPerNode: 2, rbac: true, seed: 5 });
  const kubeconfig = seedIdentityPolicy(sim);
  const node = sim.store.nodeNames().sort()[0]!;
  await signIn(page);
  const headers = { origin: baseURL! };
  const added = await page.request.post('/api/v1/clusters', {
    data: { name: 'prod', kubeconfig, identityMode: 'impersonate' },
    headers,
  });
  expect(added.status()).toBe(201);
  const user = await page.request.post('/api/v1/users', {
    data: { username: 'labeler', password: 'labeler-password-1', role: 'operator', clusters: ['prod'] },
    headers,
  });
  expect(user.status()).toBe(201);
  userId = ((await user.json()) as { id: string }).id;

  const labeler = await (await browser.newContext()).newPage();
  await signIn(labeler, 'labeler', 'labeler-password-1');
  await labeler.goto(`/clusters/prod/nodes/${node}`);
  await expect(labeler.getByTestId('node-detail')).toHaveAttribute('data-node', node);
  await labeler.getByTestId('tab-actions').click();
  const drain = labeler.getByTestId('drain');
  await expect(drain).toBeDisabled();
  await expect(drain).toHaveAttribute('title', 'the cluster denies user labeler: create pods/eviction');
  await expect(labeler.getByTestId('drain-refused')).toHaveText(
    'the cluster denies user labeler: create pods/eviction',
  );
  // patching is allowed: cordon stays enabled, and works as labeler
  await expect(labeler.getByTestId('cordon')).toBeEnabled();
  await labeler.getByTestId('cordon').click();
  await expect
    .poll(() => (sim.store.getNode(node).spec as { unschedulable?: boolean } | undefined)?.unschedulable)
    .toBe(true);
  expect(sim.audit.list({ user: 'labeler', verb: 'patch' }).at(-1)?.user.username).toBe(
    'system:serviceaccount:knm:app',
  );
});
