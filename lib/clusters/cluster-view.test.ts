import { describe, expect, it } from 'vitest';
import type { ClusterRecord } from './cluster-service';
import { clusterView, type ClusterStatusSource } from './cluster-view';

const rec: ClusterRecord = {
  name: 'prod',
  displayName: 'Prod',
  kind: 'kubeconfig',
  context: 'c',
  server: 'https://x',
  identityMode: 'shared',
  createdBy: null,
  createdAt: 1,
  updatedAt: 2,
};

describe('clusterView', () => {
  it('reports syncing with zero counts before the manager knows the cluster', () => {
    const src: ClusterStatusSource = {
      hasCluster: () => false,
      clusterStatus: () => {
        throw new Error('unused');
      },
      getCache: () => undefined,
    };
    expect(clusterView(rec, src)).toMatchObject({
      name: 'prod',
      status: 'syncing',
      nodes: 0,
      ready: 0,
      seq: 0,
    });
  });

  it('merges live state, error and the Ready count', () => {
    const src: ClusterStatusSource = {
      hasCluster: () => true,
      clusterStatus: () => ({ state: 'degraded', lastError: 'watch failed', nodes: 5, seq: 42 }),
      getCache: () => ({ listNodes: (q) => ({ total: q.status.join() === 'Ready' ? 3 : 5 }) }),
    };
    const v = clusterView(rec, src);
    expect(v).toMatchObject({
      status: 'degraded',
      error: 'watch failed',
      nodes: 5,
      ready: 3,
      seq: 42,
      displayName: 'Prod',
    });
    expect(v).not.toHaveProperty('kubeconfig');
  });
});
