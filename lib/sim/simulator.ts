import { randomBytes } from 'node:crypto';
import { SimAudit } from './audit';
import { type ChurnOptions, ChurnEngine } from './churn';
import { FaultState } from './faults';
import type { SimContext } from './http/context';
import { oidcVerifier, type SimOidcOptions } from './http/oidc';
import { SimHttpServer } from './http/server';
import { generateTls, type TlsMaterial } from './http/tls';
import type { WatchConn } from './http/watch';
import { renderKubeconfig } from './kubeconfig';
import { SimRbac } from './rbac/sim-rbac';
import { startNodeLifecycle } from './node-lifecycle';
import { SimStore } from './sim-store';
import { seedCluster, startBackground, type PodsOptions, installPodHooks } from './cluster';
import { tableFormatFor } from './table';

export type { ChurnOptions } from './churn';

export interface SimulatorOptions {
  nodes?: number;
  podsPerNode?: number;
  seed?: number;
  port?: number;
  host?: string;
  /** the address clients use when it differs from the bind address (0.0.0.0): in the URL and the certificate */
  advertiseHost?: string;
  https?: boolean;
  churn?: ChurnOptions | false;
  bookmarkIntervalMs?: number;
  historyWindowMs?: number;
  /** pod grace period used for evictions/deletes without an explicit one (default 1 s) */
  podGracePeriodSeconds?: number;
  /** node status heartbeat rewrite period (default 5 min; 0 disables) */
  nodeStatusIntervalMs?: number;
  /** lease renew period (default 10 s; 0 disables) */
  leaseIntervalMs?: number;
  /** injected clock for the store (timestamps, history window) */
  now?: () => number;
  /**
   * ServiceAccount tokens and RBAC evaluated as kube-apiserver does (default off: the admin
   * token may do anything and the read-only token may read, with no roles involved).
   */
  rbac?: boolean;
  /** accept ID tokens of this issuer as bearer tokens (kube-apiserver's --oidc-* flags) */
  oidc?: SimOidcOptions;
  /**
   * Serving certificate to reuse instead of generating one (it must name the advertised host):
   * key generation costs about half a second, which dominates starting many small simulators.
   */
  tls?: TlsMaterial;
  /** serve metrics.k8s.io (default true); false is a cluster without metrics-server (404) */
  metrics?: boolean;
}

export interface SimFaults {
  /** ends every open watch; graceful (stream terminated like kube-apiserver does) unless abrupt, which destroys sockets */
  cutWatches(opts?: { abrupt?: boolean }): void;
  stallWatches(): void;
  expireNextWatch(): void;
  failNext(n: number, status: 500 | 429): void;
  setLatency(ms: number): void;
  clear(): void;
  /** how many injected failures were answered so far, by status */
  served(): { 500: number; 429: number };
}

export interface Simulator {
  url: string;
  adminToken: string;
  readOnlyToken: string;
  caPem: string | undefined;
  /** `token`: any bearer token, e.g. a ServiceAccount's from `rbac.issueToken` */
  kubeconfig(opts?: { readOnly?: boolean; contextName?: string; token?: string }): string;
  store: SimStore;
  /** ServiceAccounts, tokens and the authorizer (see lib/sim/rbac) */
  rbac: SimRbac;
  /** every resource request with its real and impersonated user (also GET /_sim/audit) */
  audit: SimAudit;
  faults: SimFaults;
  churn: { start(opts?: ChurnOptions): void; stop(): void };
  /** eviction requests answered so far: accepted, or refused (429) by a PodDisruptionBudget */
  evictions(): { accepted: number; refusedByBudget: number };
  digest(): string;
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the simulated kube-apiserver (HTTPS by default) with a seeded cluster. */
export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const host = opts.host ?? '127.0.0.1';
  const useHttps = opts.https ?? true;
  const store = new SimStore({
    seed: opts.seed ?? 1,
    historyWindowMs: opts.historyWindowMs ?? 75_000,
    now: opts.now,
  });
  const stopLifecycle = startNodeLifecycle(store);
  const podOpts: PodsOptions = {
    podsPerNode: opts.podsPerNode ?? 0,
    graceSeconds: opts.podGracePeriodSeconds ?? 1,
  };
  const faults = new FaultState();
  const watches = new Set<WatchConn>();
  const ctx: SimContext = {
    store,
    adminToken: `sim-admin-${randomBytes(16).toString('hex')}`,
    readOnlyToken: `sim-ro-${randomBytes(16).toString('hex')}`,
    faults,
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 60_000,
    watches,
    hooks: {},
    formatFor: tableFormatFor,
    anonymousAdmin: !useHttps,
    rbac: new SimRbac(store, opts.rbac ?? false),
    audit: new SimAudit(),
    ...(opts.oidc ? { oidc: oidcVerifier(opts.oidc) } : {}),
  };
  const pods = installPodHooks(ctx, podOpts);
  if (opts.metrics === false) delete ctx.hooks.metrics;
  seedCluster(store, { nodes: opts.nodes ?? 5, ...podOpts }, pods);
  const background = startBackground(store, {
    nodeStatusIntervalMs: opts.nodeStatusIntervalMs ?? 300_000,
    leaseIntervalMs: opts.leaseIntervalMs ?? 10_000,
  });
  const churn = new ChurnEngine(store, pods, opts.seed ?? 1);
  const simFaults: SimFaults = {
    cutWatches: (o) => [...watches].forEach((w) => w.cut(o?.abrupt ?? false)),
    stallWatches: () => [...watches].forEach((w) => w.stall()),
    expireNextWatch: () => faults.expireNextWatch(),
    failNext: (n, status) => faults.failNext(n, status),
    setLatency: (ms) => faults.setLatency(ms),
    clear: () => faults.clear(),
    served: () => ({ ...faults.served }),
  };
  ctx.hooks.faultCommand = (cmd) => {
    if (cmd.action === 'failNext') simFaults.failNext(cmd.n ?? 0, cmd.status as 500 | 429);
    else if (cmd.action === 'setLatency') simFaults.setLatency(cmd.ms ?? 0);
    else if (cmd.action === 'cutWatches') simFaults.cutWatches({ abrupt: cmd.abrupt });
    else simFaults[cmd.action]();
  };
  let tls: TlsMaterial | undefined;
  const publicHost = opts.advertiseHost ?? host;
  if (useHttps) tls = opts.tls ?? generateTls(publicHost);
  const server = new SimHttpServer(ctx, host, tls);
  const port = await server.listen(opts.port ?? 0);
  const urlHost = publicHost.includes(':')
    ? `[${publicHost}]`
    : publicHost === '0.0.0.0'
      ? '127.0.0.1'
      : publicHost;
  const url = `${useHttps ? 'https' : 'http'}://${urlHost}:${port}`;
  if (opts.churn) churn.start(opts.churn);
  let closed = false;

  return {
    url,
    adminToken: ctx.adminToken,
    readOnlyToken: ctx.readOnlyToken,
    caPem: tls?.ca,
    kubeconfig: (k = {}) =>
      renderKubeconfig({
        server: url,
        token: k.token ?? (k.readOnly ? ctx.readOnlyToken : ctx.adminToken),
        caPem: tls?.ca,
        contextName: k.contextName ?? (k.readOnly ? 'sim-readonly' : 'sim'),
        userName: k.contextName ? `${k.contextName}-user` : k.readOnly ? 'sim-readonly' : 'sim-admin',
      }),
    store,
    rbac: ctx.rbac!,
    audit: ctx.audit,
    faults: simFaults,
    churn: { start: (o) => churn.start(o ?? (opts.churn || undefined)), stop: () => churn.stop() },
    digest: () => store.digest(),
    evictions: () => ({ ...pods.evictions }),
    async restart() {
      if (closed) throw new Error('simulator is closed');
      await server.close();
      await server.listen(port);
    },
    async close() {
      if (closed) return;
      closed = true;
      churn.stop();
      background.stop();
      pods.stop();
      stopLifecycle();
      await server.close();
    },
  };
}
