import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { AuditLog } from '@/lib/audit/audit-log';
import { Authenticator } from '@/lib/auth/authenticator';
import { ensureInitialAdmin } from '@/lib/auth/initial-admin';
import { LoginRefusals } from '@/lib/auth/login-refusals';
import { LoginService } from '@/lib/auth/login-service';
import { LoginRateLimiter, PasswordChangeLimiter } from '@/lib/auth/rate-limiter';
import { SessionService } from '@/lib/auth/session-service';
import { TokenService } from '@/lib/auth/token-service';
import { UserService } from '@/lib/auth/user-service';
import { ClusterService } from '@/lib/clusters/cluster-service';
import type { AppConfig } from '@/lib/config';
import { openDatabase, type Database } from '@/lib/db';
import { createAppMetrics, type AppMetrics } from '@/lib/metrics';
import { withKeepAlive } from '@/lib/k8s/keep-alive';
import { NodeService } from '@/lib/nodes/node-service';
import type { NodeSource } from '@/lib/nodes/node-source';
import { OperationRunner } from '@/lib/operations/operation-runner';
import { OperationStore } from '@/lib/operations/operation-store';
import { operationProgressMessage } from '@/lib/operations/progress';
import { PushHub } from '@/lib/push/hub';
import { RealtimeManager } from '@/lib/realtime/manager';
import { TemplateService } from '@/lib/templates/template-service';
import { setAppContext, type AppContext } from './app-context';
import { startMaintenance } from './maintenance';
import { startRuntimeClusters } from './runtime-clusters';

/** Adapts the realtime manager to the port node operations use. */
function nodeSourceOf(manager: RealtimeManager): NodeSource {
  return {
    kubeConfig: (cluster) => withKeepAlive(manager.kubeConfig(cluster)),
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

  const manager = new RealtimeManager({
    logger: logger.child({ component: 'realtime' }),
    logCapacity: config.ws.resumeHistory,
  });
  const hub = new PushHub({
    source: manager,
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
  const source = nodeSourceOf(manager);
  const nodes = new NodeService({ source });
  const instanceId = randomUUID();
  const operationStore = new OperationStore(db, instanceId);
  const operations = new OperationRunner({
    onProgress: (op, node) => {
      hub.broadcastToCluster(op.cluster, operationProgressMessage(op, node));
      operationStore
        .save(op)
        .catch((err: unknown) => logger.warn({ err, operation: op.id }, 'saving operation failed'));
    },
  });
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
    operations,
    operationStore,
    templates: new TemplateService(db),
    metrics: startMetrics(config, db, manager, hub),
    shuttingDown: false,
    sseClosers: new Set(),
  };
  setAppContext(context);
  manager.start();
  hub.start();
  const runtime = await startRuntimeClusters({
    clusters,
    manager,
    logger: logger.child({ component: 'clusters' }),
    demo: { nodes: config.demoNodes, churn: config.demoChurn },
    inCluster: config.inCluster,
  });
  logger.info({ instanceId: context.instanceId }, 'services started');

  return {
    context,
    async close() {
      context.shuttingDown = true;
      clearInterval(cancelWatch);
      maintenance.stop();
      operations.cancelAll();
      await operations.idle();
      await operationStore.flushed();
      for (const close of context.sseClosers) close();
      hub.closeAll();
      hub.dispose();
      await manager.shutdown();
      await runtime.close();
      auth.close();
      await audit.flushOutcomes();
      audit.close();
      context.metrics?.close();
      await db.close();
    },
  };
}
