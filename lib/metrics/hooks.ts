import type { RateScope } from '@/lib/auth/rate-limiter';
/**
 * The one-line calls instrumented code makes (`metrics().loginRateLimited('ip')`). Until the app
 * installs its registry (and in unit tests, benchmarks "off", or with METRICS_ENABLED=false) every
 * hook is a no-op, so call sites never check whether metrics are on.
 */

export type OperationResult = 'succeeded' | 'failed' | 'cancelled' | 'interrupted' | 'stopped';

export interface MetricHooks {
  /** a watch event was applied to the cache; `started` is performance.now() when it arrived */
  informerEventApplied(cluster: string, resource: 'nodes' | 'pods', started: number): void;
  /** a cache change was handed to every subscriber; observed once the turn's socket writes are done */
  pushChangeFannedOut(cluster: string, started: number): void;
  httpRequest(method: string, route: string, status: number, seconds: number): void;
  operationStarted(kind: string): void;
  operationFinished(kind: string, result: OperationResult, nodes: Record<string, number>): void;
  /** an eviction refused by a PodDisruptionBudget (HTTP 429) during a drain */
  drainBlockedByPdb(cluster: string): void;
  login(method: 'password' | 'oidc', result: 'success' | 'failure'): void;
  loginRateLimited(scope: RateScope): void;
  dbQuery(statement: string, seconds: number, failed: boolean): void;
}

const noop = () => undefined;

export const NOOP_HOOKS: MetricHooks = {
  informerEventApplied: noop,
  pushChangeFannedOut: noop,
  httpRequest: noop,
  operationStarted: noop,
  operationFinished: noop,
  drainBlockedByPdb: noop,
  login: noop,
  loginRateLimited: noop,
  dbQuery: noop,
};

// server.ts and Next's route bundles load separate copies of this module; the hooks live on globalThis
const KEY = Symbol.for('kube-node-manager.metric-hooks');
type GlobalWithHooks = typeof globalThis & { [KEY]?: MetricHooks };

/** The installed hooks, or no-ops. Cheap enough for per-event call sites (one property read). */
export function metrics(): MetricHooks {
  return (globalThis as GlobalWithHooks)[KEY] ?? NOOP_HOOKS;
}

export function installMetricHooks(hooks: MetricHooks): void {
  (globalThis as GlobalWithHooks)[KEY] = hooks;
}

export function uninstallMetricHooks(hooks?: MetricHooks): void {
  const g = globalThis as GlobalWithHooks;
  // assigned, not deleted: deleting a property of globalThis can slow every global lookup after it
  if (!hooks || g[KEY] === hooks) g[KEY] = undefined;
}

export const DB_STATEMENTS = ['select', 'insert', 'update', 'delete', 'other'] as const;

/** `select` / `insert` / `update` / `delete` / `other` from a Kysely operation node kind. */
export function statementKind(nodeKind: string | undefined): (typeof DB_STATEMENTS)[number] {
  switch (nodeKind) {
    case 'SelectQueryNode':
      return 'select';
    case 'InsertQueryNode':
      return 'insert';
    case 'UpdateQueryNode':
      return 'update';
    case 'DeleteQueryNode':
      return 'delete';
    default:
      return 'other';
  }
}
