import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { daemonSetsOf, drainOptionsSchema, planDrain } from './drain-plan';

const pod = (
  name: string,
  extra: Partial<V1Pod> & { owner?: string; emptyDir?: boolean; phase?: string } = {},
): V1Pod => ({
  metadata: {
    name,
    namespace: 'ns',
    annotations: extra.metadata?.annotations,
    ownerReferences: extra.owner
      ? [{ apiVersion: 'v1', kind: extra.owner, name: `${name}-owner`, uid: 'u', controller: true }]
      : undefined,
  },
  spec: { containers: [], volumes: extra.emptyDir ? [{ name: 'scratch', emptyDir: {} }] : [] },
  status: { phase: extra.phase ?? 'Running' },
});

describe('planDrain', () => {
  const defaults = drainOptionsSchema.parse({});

  it('evicts managed pods, skips daemonsets and mirror pods, blocks unmanaged and emptyDir pods', () => {
    const plan = planDrain(
      [
        pod('web', { owner: 'ReplicaSet' }),
        pod('ds', { owner: 'DaemonSet' }),
        pod('static', { metadata: { annotations: { 'kubernetes.io/config.mirror': 'x' } } }),
        pod('bare'),
        pod('cache', { owner: 'ReplicaSet', emptyDir: true }),
        pod('done', { phase: 'Succeeded' }),
      ],
      defaults,
    );
    expect(plan.evict.map((p) => p.name)).toEqual(['web', 'done']);
    expect(plan.skipped.map((p) => p.name)).toEqual(['ds', 'static']);
    expect(plan.blockers.map((p) => p.name)).toEqual(['bare', 'cache']);
  });

  it('honours force, deleteEmptyDirData and ignoreDaemonSets=false', () => {
    const pods = [
      pod('bare'),
      pod('cache', { owner: 'ReplicaSet', emptyDir: true }),
      pod('ds', { owner: 'DaemonSet' }),
    ];
    const plan = planDrain(pods, {
      ...defaults,
      force: true,
      deleteEmptyDirData: true,
      ignoreDaemonSets: false,
    });
    expect(plan.evict.map((p) => p.name)).toEqual(['bare', 'cache']);
    expect(plan.blockers.map((p) => p.name)).toEqual(['ds']);
  });

  it('a refusal names the checkbox to tick, not the API field', () => {
    const plan = planDrain([pod('cache', { owner: 'ReplicaSet', emptyDir: true })], defaults);
    expect(plan.blockers[0]?.reason).toContain('tick "Delete emptyDir data"');
    expect(plan.blockers[0]?.reason).not.toContain('deleteEmptyDirData');
    expect(plan.blockers[0]?.option).toBe('deleteEmptyDirData');
  });

  it('a pod of a DaemonSet that no longer exists is an orphan: it blocks, or is evicted with force', () => {
    const pods = [pod('ds', { owner: 'DaemonSet' }), pod('gone', { owner: 'DaemonSet' })];
    expect(daemonSetsOf(pods)).toEqual(['ns/ds-owner', 'ns/gone-owner']);
    const missing = new Set(['ns/gone-owner']);
    const plan = planDrain(pods, defaults, missing);
    expect(plan.skipped.map((p) => p.name)).toEqual(['ds']);
    expect(plan.blockers).toEqual([
      {
        namespace: 'ns',
        name: 'gone',
        reason:
          'its DaemonSet gone-owner no longer exists; tick "Force: evict pods without a controller" to evict it',
        option: 'force',
      },
    ]);
    expect(planDrain(pods, { ...defaults, force: true }, missing).evict.map((p) => p.name)).toEqual(['gone']);
  });
});
