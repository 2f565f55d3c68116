import { afterEach, describe, expect, it } from 'vitest';
import { SimApiError } from './errors';
import { PodController, computePdbStatus } from './pods';
import type { KObj } from './resources';
import { SimStore } from './sim-store';

const pod = (name: string, labels: Record<string, string>, ready = true): KObj => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'apps', labels },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});
const pdb = (spec: Record<string, unknown>): KObj => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'b', namespace: 'apps' },
  spec,
});

describe('computePdbStatus', () => {
  const pods = [
    pod('a', { app: 'x' }),
    pod('b', { app: 'x' }),
    pod('c', { app: 'x' }, false),
    pod('d', { app: 'y' }),
  ];
  it('handles minAvailable (int and %) and maxUnavailable', () => {
    expect(
      computePdbStatus(pdb({ minAvailable: 1, selector: { matchLabels: { app: 'x' } } }), pods),
    ).toMatchObject({ expectedPods: 3, currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1 });
    expect(
      computePdbStatus(pdb({ minAvailable: '100%', selector: { matchLabels: { app: 'x' } } }), pods),
    ).toMatchObject({ desiredHealthy: 3, disruptionsAllowed: 0 });
    expect(
      computePdbStatus(pdb({ maxUnavailable: 1, selector: { matchLabels: { app: 'x' } } }), pods),
    ).toMatchObject({ desiredHealthy: 2, disruptionsAllowed: 0 });
    expect(
      computePdbStatus(
        pdb({
          minAvailable: 0,
          selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['x', 'y'] }] },
        }),
        pods,
      ),
    ).toMatchObject({ expectedPods: 4, disruptionsAllowed: 3 });
  });
});

describe('PodController eviction', () => {
  let ctl: PodController | undefined;
  afterEach(() => ctl?.stop());

  it('429 with DisruptionBudget cause when blocked; evicts with grace 0 when allowed', () => {
    const store = new SimStore();
    ctl = new PodController(store, { graceSeconds: 0, podsPerNode: 0 });
    store.createPod(pod('a', { app: 'x' }));
    store.createPod(pod('b', { app: 'x' }));
    store.create('poddisruptionbudgets', pdb({ minAvailable: 2, selector: { matchLabels: { app: 'x' } } }));
    expect(
      (store.tryGet('poddisruptionbudgets', 'apps', 'b')!.status as { disruptionsAllowed: number })
        .disruptionsAllowed,
    ).toBe(0);
    let err: unknown;
    try {
      ctl.evict('apps', 'a', {});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SimApiError);
    expect((err as SimApiError).toStatus()).toMatchObject({
      code: 429,
      reason: 'TooManyRequests',
      details: { causes: [{ reason: 'DisruptionBudget' }] },
    });
    expect(ctl.evictions).toEqual({ accepted: 0, refusedByBudget: 1 });
    store.patch('poddisruptionbudgets', 'apps', 'b', 'merge', { spec: { minAvailable: 1 } });
    ctl.evict('apps', 'a', {});
    expect(store.tryGet('pods', 'apps', 'a')).toBeUndefined();
    expect(ctl.evictions).toEqual({ accepted: 1, refusedByBudget: 1 });
    expect(
      (store.tryGet('poddisruptionbudgets', 'apps', 'b')!.status as { currentHealthy: number })
        .currentHealthy,
    ).toBe(1);
  });

  it('graceful delete sets deletionTimestamp and deletes after the grace period', async () => {
    const store = new SimStore();
    ctl = new PodController(store, { graceSeconds: 0.05, podsPerNode: 0 });
    store.createPod(pod('a', { app: 'x' }));
    const t = ctl.deletePod('apps', 'a', undefined);
    expect(t.metadata.deletionTimestamp).toBeTruthy();
    await new Promise((r) => setTimeout(r, 120));
    expect(store.tryGet('pods', 'apps', 'a')).toBeUndefined();
  });
});
