import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AuditLog } from '@/lib/audit/audit-log';
import { openControlBus } from '@/lib/bus';
import { Authenticator } from '@/lib/auth/authenticator';
import { ensureInitialAdmin } from '@/lib/auth/initial-admin';
import { TokenService } from '@/lib/auth/token-service';
import { UserService } from '@/lib/auth/user-service';
import { ClusterService } from '@/lib/clusters/cluster-service';
import type { AppConfig } from '@/lib/config';
import { openDatabase } from '@/lib/db';
import { nextCounter } from '@/lib/db/clock';
import { withKeepAlive } from '@/lib/k8s/keep-alive';
import { NodeService } from '@/lib/nodes/node-service';
import type { NodeSource } from '@/lib/nodes/node-source';
import { LeaseKeeper } from '@/lib/operations/lease-keeper';
import { OperationRunner } from '@/lib/operations/operation-runner';
import type { Operation } from '@/lib/operations/operation-state';
import { OperationStore } from '@/lib/operations/operation-store';
import { isProgressWorthPushing, operationProgressMessage } from '@/lib/operations/progress';
import { PushHub } from '@/lib/push/hub';
import { RealtimeManager } from '@/lib/realtime/manager';
import { seqBaseForEpoch } from '@/lib/realtime/seq-epoch';
import { TemplateService } from '@/lib/templates/template-service';
import { setAppContext, type AppContext } from './app-context';
import { wireControlBus } from './bus-wiring';
import { DemoHost, defaultDemoHost } from './demo-host';
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
  const instanceId = randomUUID();
  const shared = db.dialect === 'postgres';
  const bus = await openControlBus({
    db,
    databaseUrl: config.databaseUrl,
    instanceId,
    logger: logger.child({ component: 'bus' }),
  });
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

  // a fresh seq range per process start: resume points of other replicas or earlier runs never match
  const seqEpoch = await nextCounter(db, 'push_seq_epoch');
  const manager = new RealtimeManager({
    logger: logger.child({ component: 'realtime' }),
    seqBase: seqBaseForEpoch(seqEpoch),
  });
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
    onReaped: (op) => void pushProgress(op),
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
    bus,
    templates: new TemplateService(db),
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
    bus,
    logger: logger.child({ component: 'clusters' }),
    demo: { nodes: config.demoNodes, churn: config.demoChurn, mode: shared ? 'shared' : 'local' },
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
      // nodes in flight may finish within the grace; the rest is handed over as interrupted
      await operations.shutdown(config.operations.graceMs);
      await operationStore.flushed();
      await leases.stop();
      for (const close of context.sseClosers) close();
      hub.closeAll();
      hub.dispose();
      await demoHost?.close();
      await manager.shutdown();
      await runtime.close();
      unwireBus();
      auth.close();
      await bus.close();
      await db.close();
    },
  };
}
