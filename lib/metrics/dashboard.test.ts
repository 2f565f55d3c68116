import { afterAll, describe, expect, it } from 'vitest';
import { PushHub } from '@/lib/push/hub';
import { FakeChangeSource } from '@/lib/push/testing/fake-source';
import { dashboardExpressions, metricNames, readDashboard } from './dashboard';
import { createAppMetrics } from './index';

const exprs = dashboardExpressions(readDashboard());
const dashboard = readDashboard();

const metrics = createAppMetrics({
  sources: {
    manager: {
      statuses: () => [],
      clusterNames: () => ['x'],
      stats: () => ({ cacheHits: 0, apiFallbacks: 0 }),
    },
    hub: new PushHub({ source: new FakeChangeSource() }),
    dbUp: () => Promise.resolve(true),
  },
  sampleIntervalMs: 60_000,
});
afterAll(() => metrics.close());

async function exported(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const m of await metrics.registry.getMetricsAsJSON()) {
    names.add(m.name);
    if (String(m.type) === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(m.name + s);
  }
  return names;
}

describe('Grafana dashboard', () => {
  it('extracts metric names from PromQL', () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (cluster, le) (rate(knm_a_bucket{cluster=~"$cluster", x="y z"}[$__rate_interval]))) / on (job) group_left knm_b',
      ),
    ).toEqual(['knm_a_bucket', 'knm_b']);
  });

  it('queries only metrics the app exports', async () => {
    const names = await exported();
    expect(exprs.length).toBeGreaterThan(35);
    const unknown = [...new Set(exprs.flatMap(metricNames))].filter((n) => !names.has(n));
    expect(unknown).toEqual([]);
  });

  it('has a row each for informers, push, HTTP and operations, and unique panel ids', () => {
    const rows = dashboard.panels.filter((p) => p.type === 'row').map((p) => p.title);
    expect(rows).toEqual(expect.arrayContaining(['Informers', 'Push', 'HTTP', 'Operations']));
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('charts every knm_ metric the app exports', async () => {
    const used = new Set(exprs.flatMap(metricNames).map((n) => n.replace(/_(bucket|sum|count)$/, '')));
    const ours = [...(await exported())].filter(
      (n) => n.startsWith('knm_') && !/_(bucket|sum|count)$/.test(n),
    );
    const unused = ours.filter(
      (n) => !used.has(n) && n !== 'knm_build_info' && n !== 'knm_cache_seq' && n !== 'knm_cache_pods',
    );
    expect(unused).toEqual([]);
  });
});
