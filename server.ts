import type { IncomingMessage } from 'node:http';
import next from 'next';
import { ConfigError, loadConfig } from '@/lib/config';
import { createLogger } from '@/lib/logger';
import { observeRequests, observeUpgrades } from '@/lib/http/observe-requests';
import { bridgePrecompressed } from '@/lib/http/precompressed';
import { fromTrustedProxy, stampPeer } from '@/lib/http/request-meta';
import { securityHeaders } from '@/lib/http/security-headers';
import { startMetricsServer } from '@/lib/metrics/endpoint';
import { appRoot } from '@/lib/server/app-root';
import { createDrainGate } from '@/lib/server/drain-gate';
import { createAppServer } from '@/lib/server/http-server';
import { createServices } from '@/lib/server/services';
import { createShutdown } from '@/lib/server/shutdown';
import { createUpgradeRouter } from '@/lib/server/upgrade-router';
import { createWsEndpoint } from '@/lib/push/ws-server';

// Only wiring lives here: configuration, logger, services, Next, the upgrade router and shutdown.
const config = await loadConfig().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
const dev = config.env === 'development';
const logger = createLogger({ level: config.logLevel, pretty: dev });
process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));

const services = await createServices(config, logger);
const app = next({ dev, hostname: config.host, port: config.port, dir: appRoot(import.meta.dirname) });
await app.prepare();

const handle = app.getRequestHandler();
const headers = Object.entries(
  securityHeaders({
    dev,
    publicOrigins: config.publicOrigins,
    https: config.nextAuthUrl.startsWith('https://') || config.tls !== undefined,
    oidcIssuer: config.oidc?.issuer,
  }),
);
// X-Request-Id is kept only from a trusted proxy (TRUSTED_PROXIES), like X-Forwarded-For.
const trusted = (req: IncomingMessage) => fromTrustedProxy(req.socket.remoteAddress, config.trustedProxies);
const gate = createDrainGate((req, res) => {
  stampPeer(req);
  for (const [name, value] of headers) res.setHeader(name, value);
  bridgePrecompressed(res);
  void handle(req, res);
});
const listener = await createAppServer(
  config,
  observeRequests(gate.handler, { logger: logger.child({ component: 'http' }), trusted }),
  logger,
);
const { server, scheme } = listener;
const ws = createWsEndpoint({
  hub: services.context.hub,
  authenticate: (req) => services.context.auth.authenticate(req),
  allowedOrigins: config.publicOrigins,
  logger: logger.child({ component: 'ws' }),
});
server.on(
  'upgrade',
  observeUpgrades(
    createUpgradeRouter({
      routes: {
        '/api/v1/ws/nodes': (req, socket, head) => {
          if (gate.draining())
            return void socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
          stampPeer(req);
          ws.handleUpgrade(req, socket, head);
        },
      },
      next: dev ? app.getUpgradeHandler() : undefined,
      onError: (err) => logger.warn({ err }, 'upgrade failed'),
    }),
    { trusted },
  ),
);
const registry = services.context.metrics?.registry;
const metricsServer =
  registry && config.metrics.port !== undefined
    ? await startMetricsServer({
        registry,
        host: config.host,
        port: config.metrics.port,
        onError: (err) => logger.warn({ err }, 'metrics collection failed'),
      })
    : undefined;
if (metricsServer) logger.info({ port: metricsServer.port }, 'metrics listening on /api/metrics');

const shutdown = createShutdown({
  log: (msg, extra) => logger.info(extra ?? {}, msg),
  exit: (code) => process.exit(code),
  // operations get their grace to finish nodes in flight; everything else fits in the remaining 8 s
  timeoutMs: config.operations.graceMs + 8_000,
  steps: [
    {
      name: 'stop accepting',
      run: () => {
        gate.begin();
        listener.stopWatching();
        server.close();
      },
    },
    { name: 'metrics', run: () => metricsServer?.close() },
    { name: 'close websockets', run: () => ws.close() },
    { name: 'services', run: () => services.close() },
    { name: 'next', run: () => app.close() },
    { name: 'http', run: () => server.closeAllConnections() },
  ],
});
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));

// a port taken by another process must stop this one with a clear message, not leave it half-started
server.once('error', (err) => {
  logger.fatal({ err }, `cannot listen on ${config.host}:${config.port}`);
  process.exit(1);
});
server.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(
    { port, url: config.nextAuthUrl, dev },
    `Kube Node Manager listening on ${scheme}://${config.host}:${port}`,
  );
});
