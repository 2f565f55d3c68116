import type { RateScope } from '@/lib/auth/rate-limiter';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { DB_STATEMENTS, type MetricHooks, type OperationResult } from './hooks';

/** Operation kinds and per-node results are closed sets: their series exist from the start at 0. */
const OPERATION_KINDS = ['labels', 'taints', 'cordon', 'uncordon', 'drain'] as const;
const RESULTS: OperationResult[] = ['succeeded', 'failed', 'cancelled', 'interrupted', 'stopped'];
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Metrics written by call sites (histograms and counters of events nothing else counts). The
 * counts the app already keeps (informer and hub statistics) are read at scrape time instead, in
 * collectors.ts, so hot paths pay nothing for them.
 */
export function createInstruments(registry: Registry, clusterNames: () => string[] = () => []) {
  const registers = [registry];
  const informerApply = new Histogram({
    name: 'knm_informer_event_apply_seconds',
    help: 'Time from a watch event reaching the informer to its cache apply (including classification).',
    labelNames: ['cluster', 'resource'],
    buckets: [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
    registers,
  });
  const pushDelivery = new Histogram({
    name: 'knm_push_delivery_seconds',
    help: 'Time from a change being applied to the cache to its write on every subscribed socket or stream.',
    labelNames: ['cluster'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const http = new Histogram({
    name: 'knm_http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status (streams excluded).',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const operations = new Counter({
    name: 'knm_operations_total',
    help: 'Finished node operations (batches and single-node drains) by kind and result.',
    labelNames: ['kind', 'result'],
    registers,
  });
  const operationNodes = new Counter({
    name: 'knm_operation_nodes_total',
    help: 'Per-node results of finished operations by kind and result.',
    labelNames: ['kind', 'result'],
    registers,
  });
  const operationsRunning = new Gauge({
    name: 'knm_operations_running',
    help: 'Operations running in this process by kind.',
    labelNames: ['kind'],
    registers,
  });
  const pdbBlocked = new Counter({
    name: 'knm_drain_pdb_blocked_total',
    help: 'Evictions refused by a PodDisruptionBudget (HTTP 429) during drains; retried, never bypassed.',
    labelNames: ['cluster'],
    registers,
    // every registered cluster has a series from the start, so rate() and alerts see a 0, not nothing
    collect() {
      for (const cluster of clusterNames()) this.inc({ cluster }, 0);
    },
  });
  const logins = new Counter({
    name: 'knm_auth_logins_total',
    help: 'Sign-in attempts by method and result (rate-limited attempts count as failures too).',
    labelNames: ['method', 'result'],
    registers,
  });
  const rateLimited = new Counter({
    name: 'knm_auth_rate_limited_total',
    help: 'Sign-in attempts refused by the login rate limiter, by the limit that refused them.',
    labelNames: ['scope'],
    registers,
  });
  const dbDuration = new Histogram({
    name: 'knm_db_query_duration_seconds',
    help: 'Database query duration by statement kind.',
    labelNames: ['statement'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  const dbErrors = new Counter({
    name: 'knm_db_errors_total',
    help: 'Database queries that failed, by statement kind.',
    labelNames: ['statement'],
    registers,
  });

  for (const kind of OPERATION_KINDS) {
    operationsRunning.set({ kind }, 0);
    for (const result of RESULTS) {
      operations.inc({ kind, result }, 0);
      operationNodes.inc({ kind, result }, 0);
    }
  }
  for (const method of ['password', 'oidc'])
    for (const result of ['success', 'failure']) logins.inc({ method, result }, 0);
  for (const scope of ['ip', 'user+ip', 'password'] satisfies RateScope[]) rateLimited.inc({ scope }, 0);
  for (const statement of DB_STATEMENTS) dbErrors.inc({ statement }, 0);

  return {
    informerApply,
    pushDelivery,
    http,
    operations,
    operationNodes,
    operationsRunning,
    pdbBlocked,
    logins,
    rateLimited,
    dbDuration,
    dbErrors,
  };
}

export type Instruments = ReturnType<typeof createInstruments>;

/** The hooks call sites use, writing into `m`. */
export function hooksFor(m: Instruments): MetricHooks {
  // push deliveries are observed after the turn's socket writes: the WebSocket batcher flushes on
  // setImmediate and SSE streams are drained by promise callbacks, both before a later setImmediate
  let pending: Array<{ cluster: string; started: number }> = [];
  const flushDeliveries = () => {
    const done = performance.now();
    const batch = pending;
    pending = [];
    for (const p of batch) m.pushDelivery.observe({ cluster: p.cluster }, (done - p.started) / 1000);
  };
  return {
    informerEventApplied(cluster, resource, started) {
      m.informerApply.observe({ cluster, resource }, (performance.now() - started) / 1000);
    },
    pushChangeFannedOut(cluster, started) {
      if (pending.length === 0) setImmediate(flushDeliveries);
      pending.push({ cluster, started });
    },
    httpRequest(method, route, status, seconds) {
      const m2 = METHODS.has(method) ? method : 'other';
      m.http.observe({ method: m2, route, status: String(status) }, seconds);
    },
    operationStarted(kind) {
      m.operationsRunning.inc({ kind });
    },
    operationFinished(kind, result, nodes) {
      m.operationsRunning.dec({ kind });
      m.operations.inc({ kind, result });
      for (const [state, n] of Object.entries(nodes))
        if (n > 0) m.operationNodes.inc({ kind, result: state }, n);
    },
    drainBlockedByPdb(cluster) {
      m.pdbBlocked.inc({ cluster });
    },
    login(method, result) {
      m.logins.inc({ method, result });
    },
    loginRateLimited(scope) {
      m.rateLimited.inc({ scope });
    },
    dbQuery(statement, seconds, failed) {
      m.dbDuration.observe({ statement }, seconds);
      if (failed) m.dbErrors.inc({ statement });
    },
  };
}
