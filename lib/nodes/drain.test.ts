import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type KObj, type Simulator } from '@/lib/sim';
import { drainNode, type DrainDeps } from './drain';
import { drainOptionsSchema, type DrainOptions } from './drain-plan';

// drainNode against the simulated apiserver over HTTPS (client-node is not mocked): each test gets a
// node of its own and places the pods it needs on it.
let sim: Simulator;
let kc: KubeConfig;
let nodes: string[];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  sim = await startSimulator({ nodes: 8, podsPerNode: 0, seed: 7, podGracePeriodSeconds: 0 });
  kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig());
  nodes = sim.store.nodeNames();
});
afterAll(() => sim?.close());

type Owner = 'ReplicaSet' | 'DaemonSet' | 'none';
function addPod(
  node: string,
  name: string,
  o: {
    owner?: Owner;
    labels?: Record<string, string>;
    emptyDir?: boolean;
    mirror?: boolean;
    grace?: number;
  } = {},
): KObj {
  const owner = o.owner ?? 'ReplicaSet';
  // a DaemonSet pod's DaemonSet must exist, or drain refuses it as an orphan (kubectl's rule)
  const ds =
    owner === 'DaemonSet'
      ? sim.store.create(
          'daemonsets',
          {
            apiVersion: 'apps/v1',
            kind: 'DaemonSet',
            metadata: { name: `${name}-owner`, namespace: 'kube-system' },
            spec: { selector: { matchLabels: { app: name } }, template: { spec: { containers: [] } } },
          },
          'kube-system',
        )
      : undefined;
  return sim.store.createPod({
    metadata: {
      name,
      namespace: owner === 'DaemonSet' ? 'kube-system' : 'apps',
      labels: o.labels ?? { app: name },
      ...(o.mirror ? { annotations: { 'kubernetes.io/config.mirror': 'x' } } : {}),
      ...(owner === 'none'
        ? {}
        : {
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: owner,
                name: `${name}-owner`,
                uid: ds?.metadata.uid ?? `${name}-uid`,
                controller: true,
              },
            ],
          }),
    },
    spec: {
      nodeName: node,
      containers: [{ name: 'main', image: 'nginx' }],
      terminationGracePeriodSeconds: o.grace ?? 0,
      volumes: o.emptyDir ? [{ name: 'scratch', emptyDir: {} }] : [],
    },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  });
}

function budget(name: string, app: string): void {
  sim.store.create(
    'poddisruptionbudgets',
    { metadata: { name }, spec: { minAvailable: 1, selector: { matchLabels: { app } } } },
    'apps',
  );
}

const pod = (namespace: string, name: string) => sim.store.tryGet('pods', namespace, name);

function start(node: string, options: Partial<DrainOptions> = {}, extra: Partial<DrainDeps> = {}) {
  const log: string[] = [];
  const promise = drainNode({
    kubeConfig: kc,
    node,
    options: drainOptionsSchema.parse({ timeoutSeconds: 10, ...options }),
    retryMs: 50,
    cordon: () => {
      log.push('cordon');
      return Promise.resolve(sim.store.cordonNode(node));
    },
    onEvent: (e) =>
      log.push(`${e.state} ${e.name}${e.pdb ? ` ${e.pdb.name}/${e.pdb.disruptionsAllowed}` : ''}`),
    ...extra,
  });
  promise.catch(() => undefined); // awaited by the test
  return { promise, log };
}

describe('drainNode', () => {
  it('cordons first, evicts controller-managed pods, skips DaemonSet and mirror pods, returns when they are gone', async () => {
    const node = nodes[0]!;
    addPod(node, 'web-a');
    addPod(node, 'web-b', { grace: 1 }); // terminates for a second after its eviction is accepted
    addPod(node, 'proxy-a', { owner: 'DaemonSet' });
    addPod(node, 'static-a', { owner: 'none', mirror: true });
    const before = sim.evictions();
    const t0 = Date.now();
    const { promise, log } = start(node);
    const result = await promise;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(log[0]).toBe('cordon');
    expect(log).toEqual(
      expect.arrayContaining(['terminating web-a', 'terminating web-b', 'gone web-a', 'gone web-b']),
    );
    expect(result.evicted.map((p) => p.name).sort()).toEqual(['web-a', 'web-b']);
    expect(result.skipped.map((p) => p.name).sort()).toEqual(['proxy-a', 'static-a']);
    expect([pod('apps', 'web-a'), pod('apps', 'web-b')]).toEqual([undefined, undefined]);
    expect(pod('kube-system', 'proxy-a')).toBeDefined();
    expect(sim.evictions().accepted - before.accepted).toBe(2);
  });

  it('refuses before cordoning or evicting anything when a pod has no controller or emptyDir data', async () => {
    const node = nodes[1]!;
    addPod(node, 'bare-a', { owner: 'none' });
    addPod(node, 'scratch-a', { emptyDir: true });
    addPod(node, 'web-c');
    const before = sim.evictions();
    const { promise, log } = start(node);
    await expect(promise).rejects.toMatchObject({
      code: 'blocked',
      message: expect.stringMatching(
        /apps\/bare-a \(not managed by a controller.*apps\/scratch-a \(uses emptyDir/,
      ),
    });
    expect(log).toEqual([]);
    expect((sim.store.getNode(node).spec as { unschedulable?: boolean }).unschedulable).toBeFalsy();
    expect(sim.evictions()).toEqual(before);
    expect(pod('apps', 'web-c')).toBeDefined();
    // with both options the same node drains
    await start(node, { force: true, deleteEmptyDirData: true }).promise;
    expect([pod('apps', 'bare-a'), pod('apps', 'scratch-a'), pod('apps', 'web-c')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('a budget that never relents: times out, names the budget, never deletes the pod', async () => {
    const node = nodes[2]!;
    const uid = addPod(node, 'db-a', { labels: { app: 'db' } }).metadata.uid;
    budget('db-guard', 'db');
    const before = sim.evictions();
    const { promise, log } = start(node, { timeoutSeconds: 1 }, { retryMs: 100 });
    const err: unknown = await promise.then(
      () => expect.unreachable('the drain must not succeed'),
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'timeout' });
    expect((err as Error).message).toMatch(/timed out after 1 s/);
    expect((err as Error).message).toMatch(/disruption budget db-guard needs 1 healthy pods/);
    expect((err as Error).message).toMatch(/the budget was not bypassed/);
    // each refusal names the budget and how many disruptions it allows now
    const refusals = log.filter((l) => l === 'waiting_pdb db-a db-guard/0').length;
    expect(refusals).toBeGreaterThanOrEqual(3);
    // every refusal was a 429 the apiserver really answered; nothing was evicted
    expect(sim.evictions().refusedByBudget - before.refusedByBudget).toBe(refusals);
    expect(sim.evictions().accepted).toBe(before.accepted);
    expect(pod('apps', 'db-a')?.metadata).toMatchObject({ uid });
    expect(pod('apps', 'db-a')?.metadata.deletionTimestamp).toBeUndefined();
  });

  it('keeps the same pod (same UID) through the 429s and evicts it once the budget allows', async () => {
    const node = nodes[3]!;
    const uid = addPod(node, 'queue-a', { labels: { app: 'queue' } }).metadata.uid;
    budget('queue-guard', 'queue');
    const before = sim.evictions();
    const { promise, log } = start(node);
    const uids = new Set<string | undefined>();
    while (sim.evictions().refusedByBudget - before.refusedByBudget < 3) {
      uids.add(pod('apps', 'queue-a')?.metadata.uid);
      await sleep(20);
    }
    expect([...uids]).toEqual([uid]);
    expect(log).not.toContain('terminating queue-a');
    sim.store.delete('poddisruptionbudgets', 'apps', 'queue-guard');
    const result = await promise;
    expect(result.evicted).toEqual([{ namespace: 'apps', name: 'queue-a' }]);
    expect(log.slice(-2)).toEqual(['terminating queue-a', 'gone queue-a']);
    expect(pod('apps', 'queue-a')).toBeUndefined();
    expect(sim.evictions().accepted - before.accepted).toBe(1);
  });

  it('stops retrying when cancelled, leaving the pod alone', async () => {
    const node = nodes[4]!;
    addPod(node, 'cache-a', { labels: { app: 'cache' } });
    budget('cache-guard', 'cache');
    const abort = new AbortController();
    const { promise, log } = start(node, {}, { signal: abort.signal });
    while (!log.some((l) => l.startsWith('waiting_pdb cache-a'))) await sleep(10);
    abort.abort();
    await expect(promise).rejects.toMatchObject({ code: 'timeout', message: 'drain cancelled' });
    expect(pod('apps', 'cache-a')?.metadata.deletionTimestamp).toBeUndefined();
  });

  it('fails at once, naming the pod, when an eviction fails other than with 429', async () => {
    const node = nodes[5]!;
    addPod(node, 'api-a');
    const { promise } = start(
      node,
      {},
      { onEvent: (e) => e.state === 'evicting' && sim.faults.failNext(1, 500) },
    );
    await expect(promise).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/eviction of apps\/api-a from node .* answered 500/),
    });
    expect(pod('apps', 'api-a')).toBeDefined();
  });
});
