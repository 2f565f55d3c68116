import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AuditLog } from '@/lib/audit/audit-log';
import { Authenticator } from '@/lib/auth/authenticator';
import { ensureInitialAdmin } from '@/lib/auth/initial-admin';
import { TokenService } from '@/lib/auth/token-service';
import { UserService } from '@/lib/auth/user-service';
import { ClusterService } from '@/lib/clusters/cluster-service';
import type { AppConfig } from '@/lib/config';
import { openDatabase } from '@/lib/db';
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
  const users = new UserService(db);
  const tokens = new TokenService(db);
  const auth = new Authenticator({ users, tokens, secret: config.nextAuthSecret });
  const clusters = new ClusterService(db, {
    key: config.encryptionKey,
    logger: logger.child({ component: 'clusters' }),
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

  const manager = new RealtimeManager({ logger: logger.child({ component: 'realtime' }) });
  const hub = new PushHub({
    source: manager,
    stillValid: (p) => auth.stillValid(p),
    logger: logger.child({ component: 'push' }),
    limits: {
      maxConnections: config.ws.maxConnections,
      maxConnectionsPerUser: config.ws.maxConnectionsPerUser,
      maxBufferedBytes: config.ws.slowClientBytes,
    },
  });
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

  const context: AppContext = {
    instanceId,
    config,
    logger,
    db,
    auth,
    audit,
    clusters,
    manager,
    hub,
    nodes,
    nodeSource: source,
    operations,
    operationStore,
    templates: new TemplateService(db),
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
      operations.cancelAll();
      await operations.idle();
      await operationStore.flushed();
      for (const close of context.sseClosers) close();
      hub.closeAll();
      hub.dispose();
      await manager.shutdown();
      await runtime.close();
      auth.close();
      await db.close();
    },
  };
}
