import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { registerCollectors, type MetricSources } from './collectors';
import { MetricsHistory } from './history';
import { installMetricHooks, uninstallMetricHooks, type MetricHooks } from './hooks';
import { createInstruments, hooksFor } from './instruments';

export { metrics } from './hooks';

export interface AppMetrics {
  registry: Registry;
  hooks: MetricHooks;
  history: MetricsHistory;
  /** stops sampling and uninstalls the hooks */
  close(): void;
}

/**
 * The whole metrics set of one process: prom-client's default process metrics, the instruments
 * call sites write to, and collectors over the manager's and hub's own statistics. Installs the
 * hooks globally (so sites in Next's route bundles reach the same registry) and starts the health
 * page's sampler.
 */
export function createAppMetrics(opts: {
  sources: MetricSources;
  sampleIntervalMs: number;
  version?: string;
  /** default true; benchmarks and tests that build several registries in one process pass false */
  defaultMetrics?: boolean;
}): AppMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) {
    collectDefaultMetrics({ register: registry });
    // gauges named like counters, which `promtool check metrics` rejects; nothing here needs them
    for (const name of [
      'nodejs_active_handles_total',
      'nodejs_active_requests_total',
      'nodejs_active_resources_total',
    ])
      registry.removeSingleMetric(name);
  }
  new Gauge({
    name: 'knm_build_info',
    help: 'Always 1; the version label names the running build.',
    labelNames: ['version'],
    registers: [registry],
  }).set({ version: opts.version ?? 'unknown' }, 1);
  const hooks = hooksFor(createInstruments(registry, () => opts.sources.manager.clusterNames()));
  registerCollectors(registry, opts.sources);
  const history = new MetricsHistory(registry, opts.sampleIntervalMs);
  installMetricHooks(hooks);
  history.start();
  return {
    registry,
    hooks,
    history,
    close() {
      history.stop();
      uninstallMetricHooks(hooks);
    },
  };
}
