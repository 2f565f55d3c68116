import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { AuditLog } from '@/lib/audit/audit-log';
import { openControlBus } from '@/lib/bus';
import { Authenticator } from '@/lib/auth/authenticator';
import { ensureInitialAdmin } from '@/lib/auth/initial-admin';
import { LoginRefusals } from '@/lib/auth/login-refusals';
import { LoginService } from '@/lib/auth/login-service';
import { LoginRateLimiter, PasswordChangeLimiter } from '@/lib/auth/rate-limiter';
import { SessionService } from '@/lib/auth/session-service';
import { TokenService } from '@/lib/auth/token-service';
import { UserService } from '@/lib/auth/user-service';
import { ClusterService } from '@/lib/clusters/cluster-service';
import { clusterLiveStatus } from '@/lib/clusters/cluster-view';
import type { AppConfig } from '@/lib/config';
import { openDatabase, type Database } from '@/lib/db';
import { nextCounter } from '@/lib/db/clock';
import { createAppMetrics, type AppMetrics } from '@/lib/metrics';
import { withKeepAlive } from '@/lib/k8s/keep-alive';
import { readDenied } from '@/lib/identity/guards';
import { IdentityService } from '@/lib/identity/identity-service';
import { OidcTokens } from '@/lib/identity/oidc-tokens';
import { listNodeUsage } from '@/lib/node-metrics/metrics-api';
import { NodeMetricsSampler } from '@/lib/node-metrics/sampler';
import { NodeService } from '@/lib/nodes/node-service';
import type { NodeSource } from '@/lib/nodes/node-source';
import { LeaseKeeper } from '@/lib/operations/lease-keeper';
import { OperationRunner } from '@/lib/operations/operation-runner';
import type { Operation } from '@/lib/operations/operation-state';
import { OperationStore } from '@/lib/operations/operation-store';
import { isProgressWorthPushing, operationProgressMessage } from '@/lib/operations/progress';
import { completeReapedAudit } from '@/lib/operations/batch-audit';
import { PushHub } from '@/lib/push/hub';
import { RealtimeManager } from '@/lib/realtime/manager';
import { seqBaseForEpoch } from '@/lib/realtime/seq-epoch';
import { TemplateService } from '@/lib/templates/template-service';
import { setAppContext, type AppContext } from './app-context';
import { wireControlBus } from './bus-wiring';
import { DemoHost, defaultDemoHost } from './demo-host';
import { startMaintenance } from './maintenance';
import { startRuntimeClusters } from './runtime-clusters';

/** Adapts the realtime manager to the port node operations use; requests for a user go as the cluster's mode says. */
function nodeSourceOf(manager: RealtimeManager, identity: IdentityService): NodeSource {
  return {
    kubeConfig: (cluster, actor) => identity.kubeConfig(cluster, actor?.acting),
    getNode: async (cluster, name) => (await manager.getNode(cluster, name)).node ?? undefined,
    waitForResourceVersion: async (cluster, name, rv, ms) =>
      (await manager.waitForResourceVersion(cluster, name, rv, ms))
        ? manager.getCache(cluster)?.getNode(name)
        : undefined,
  };
}

/** SELECT 1 with a deadline: the knm_db_up gauge. */
async function databaseAnswers(db: Database, timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const query = sql`select 1`.execute(db.kysely).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([query, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function startMetrics(
  config: AppConfig,
  db: Database,
  manager: RealtimeManager,
  hub: PushHub,
): AppMetrics | null {
  if (!config.metrics.enabled) return null;
  return createAppMetrics({
    sources: { manager, hub, dbUp: () => databaseAnswers(db) },
    sampleIntervalMs: config.metrics.sampleSeconds * 1000,
    version: process.env.npm_package_version,
  });
}

/**
 * Builds every long-lived service once and publishes them for route handlers; server.ts
 * calls this and closes the result on shutdown.
 */
export async function createServices(
  config: AppConfig,
  logger: Logger,
): Promise<{ context: AppContext; close(): Promise<void> }> {
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  logger.info({ dialect: db.dialect }, 'database ready');
  const instanceId = randomUUID();
  const shared = db.dialect === 'postgres';
  const bus = await openControlBus({
    db,
    databaseUrl: config.databaseUrl,
    instanceId,
    logger: logger.child({ component: 'bus' }),
  });
  const audit = new AuditLog(db, { logger });
  const sessions = new SessionService(db);
  const users = new UserService(db, { sessions });
  const tokens = new TokenService(db);
  const recheckMs = config.sessionRecheckSeconds * 1000;
  const auth = new Authenticator({
    users,
    tokens,
    sessions,
    secret: config.nextAuthSecret,
    cacheTtlMs: recheckMs,
  });
  const refusals = new LoginRefusals(db, { windowSeconds: config.loginAuditWindowSeconds });
  const login = new LoginService(users, new LoginRateLimiter(db), audit, refusals);
  const clusters = new ClusterService(db, {
    key: config.encryptionKey,
    logger: logger.child({ component: 'clusters' }),
    denylist: config.clusterHostDenylist,
  });
  // A removed cluster's grants are gone from the database; cached principals must not keep them.
  clusters.onChange((c) => {
    if (c.type === 'removed') auth.invalidate();
  });
  // Replicas starting together race to seed the first admin and clusters; the loser's insert fails
  // on a unique key after the winner's succeeded, which is fine.
  await ensureInitialAdmin(users, logger, {
    username: config.adminUsername,
    password: config.adminPassword,
  }).catch(async (err: unknown) => {
    if ((await users.count()) === 0) throw err;
  });
  await clusters
    .ensureInClusterCluster()
    .catch((err: unknown) => logger.debug({ err }, 'in-cluster seeding raced'));
  await clusters
    .ensureDemoCluster(config.demoCluster)
    .catch((err: unknown) => logger.debug({ err }, 'demo seeding raced'));

  // a fresh seq range per process start: resume points of other replicas or earlier runs never match
  const seqEpoch = await nextCounter(db, 'push_seq_epoch');
  const manager = new RealtimeManager({
    logger: logger.child({ component: 'realtime' }),
    logCapacity: config.ws.resumeHistory,
    seqBase: seqBaseForEpoch(seqEpoch),
  });
  const oidcTokens = new OidcTokens({ sessions, key: config.encryptionKey, client: config.oidc });
  const identity = new IdentityService({
    kubeConfig: (cluster) => withKeepAlive(manager.kubeConfig(cluster)),
    roleGroups: config.impersonateRoleGroups,
    idToken: (sessionId) => oidcTokens.idToken(sessionId),
  });
  const hub = new PushHub({
    source: manager,
    readGate: (principal, cluster) => readDenied(identity, principal, cluster),
    clusterStatus: (name) => {
      if (!manager.hasCluster(name)) return undefined;
      const { status, error, nodes, ready } = clusterLiveStatus(name, manager);
      return { status, ...(error ? { error } : {}), nodes, ready };
    },
    stillValid: (p) => auth.stillValid(p),
    logger: logger.child({ component: 'push' }),
    limits: {
      maxConnections: config.ws.maxConnections,
      maxConnectionsPerUser: config.ws.maxConnectionsPerUser,
      maxBufferedBytes: config.ws.slowClientBytes,
      // with the lookup TTL, another replica's revocation closes streams within 2 × recheck
      revalidateIntervalMs: recheckMs,
    },
  });
  // A revocation made here closes the affected WebSocket and SSE connections at once (4001).
  auth.onRevocation(() => void hub.revalidate());
  const source = nodeSourceOf(manager, identity);
  const nodes = new NodeService({ source });
  // sampled as the cluster's own identity, like the cache: readers are authorized per cluster by the route
  const nodeMetrics = new NodeMetricsSampler({
    list: (cluster, names) => listNodeUsage(source.kubeConfig(cluster), names),
    node: (cluster, name) => manager.getCache(cluster)?.getNode(name),
    size: (cluster) => manager.getCache(cluster)?.size ?? 0,
    logger: logger.child({ component: 'node-metrics' }),
  });
  clusters.onChange((c) => {
    if (c.type !== 'added') nodeMetrics.forget(c.name);
  });
  const pushProgress = (op: Operation, node?: string) =>
    bus.publish({ type: 'push.message', message: operationProgressMessage(op, node) });
  const operationStore = new OperationStore(db, instanceId, {
    leaseMs: config.operations.leaseMs,
    onLost: (id) => operations.interrupt(id, 'another replica took the operation over'),
  });
  const operations: OperationRunner = new OperationRunner({
    beforeNode: (op) => leases.beforeNode(op),
    onProgress: (op, node) => {
      // progress reaches the cluster's subscribers on every replica
      if (isProgressWorthPushing(op, node)) void pushProgress(op, node);
      operationStore
        .save(op)
        .catch((err: unknown) => logger.warn({ err, operation: op.id }, 'saving operation failed'));
    },
  });
  const leases: LeaseKeeper = new LeaseKeeper({
    store: operationStore,
    runner: operations,
    onReaped: (op) => {
      void pushProgress(op);
      void completeReapedAudit(audit, op);
    },
    logger: logger.child({ component: 'operations' }),
  });
  const unwireBus = wireControlBus({ bus, auth, hub, clusters, operations });
  // cancels asked for through another replica reach the runner here
  const cancelWatch = setInterval(() => {
    operationStore
      .cancelRequests()
      .then((ids) => ids.forEach((id) => operations.cancel(id)))
      .catch((err: unknown) => logger.warn({ err }, 'reading operation cancel requests failed'));
  }, 1000);
  cancelWatch.unref();
  await operationStore.prune(7 * 86_400_000);
  const maintenance = startMaintenance({
    db,
    audit,
    sessions,
    refusals,
    auditRetentionDays: config.auditRetentionDays,
    refusalFlushMs: Math.min(10_000, Math.max(500, (config.loginAuditWindowSeconds * 1000) / 4)),
    logger: logger.child({ component: 'maintenance' }),
  });

  const context: AppContext = {
    instanceId,
    config,
    logger,
    db,
    auth,
    login,
    passwordLimiter: new PasswordChangeLimiter(db),
    audit,
    clusters,
    manager,
    hub,
    nodes,
    nodeSource: source,
    nodeMetrics,
    identity,
    oidcTokens,
    operations,
    operationStore,
    bus,
    templates: new TemplateService(db),
    metrics: startMetrics(config, db, manager, hub),
    shuttingDown: false,
    sseClosers: new Set(),
  };
  setAppContext(context);
  manager.start();
  hub.start();
  leases.start();
  const runtime = await startRuntimeClusters({
    clusters,
    manager,
    identity,
    bus,
    logger: logger.child({ component: 'clusters' }),
    demo: { nodes: config.demoNodes, churn: config.demoChurn, mode: shared ? 'shared' : 'local' },
    inCluster: config.inCluster,
    reconcileMs: config.clusterReconcileMs,
  });
  // replicas: the demo simulator runs once, on the replica holding the demo lock
  const demoHost =
    shared && config.databaseUrl
      ? new DemoHost({
          databaseUrl: config.databaseUrl,
          clusters,
          logger: logger.child({ component: 'demo' }),
          demo: { nodes: config.demoNodes, churn: config.demoChurn },
          host: config.demoHost ?? defaultDemoHost(),
          port: config.demoPort,
          instanceId,
        })
      : undefined;
  demoHost?.start();
  context.demoHost = demoHost;
  logger.info({ instanceId: context.instanceId }, 'services started');

  return {
    context,
    async close() {
      context.shuttingDown = true;
      clearInterval(cancelWatch);
      maintenance.stop();
      // nodes in flight may finish within the grace; the rest is handed over as interrupted
      await operations.shutdown(config.operations.graceMs);
      await operationStore.flushed();
      await leases.stop();
      for (const close of context.sseClosers) close();
      hub.closeAll();
      hub.dispose();
      nodeMetrics.close();
      await demoHost?.close();
      await manager.shutdown();
      await runtime.close();
      unwireBus();
      auth.close();
      await audit.flushOutcomes();
      audit.close();
      context.metrics?.close();
      await bus.close();
      await db.close();
    },
  };
}
