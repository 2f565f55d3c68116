import { createServer } from 'node:http';
import next from 'next';
import { ConfigError, loadConfig } from '@/lib/config';
import { createLogger } from '@/lib/logger';
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
const app = next({ dev, hostname: config.host, port: config.port, dir: import.meta.dirname });
await app.prepare();

const handle = app.getRequestHandler();
const server = createServer((req, res) => void handle(req, res));
const ws = createWsEndpoint({
  hub: services.context.hub,
  authenticate: (req) => services.context.auth.authenticate(req),
  allowedOrigins: config.publicOrigins,
  logger: logger.child({ component: 'ws' }),
});
server.on(
  'upgrade',
  createUpgradeRouter({
    routes: { '/api/v1/ws/nodes': (req, socket, head) => ws.handleUpgrade(req, socket, head) },
    next: dev ? app.getUpgradeHandler() : undefined,
    onError: (err) => logger.warn({ err }, 'upgrade failed'),
  }),
);

const shutdown = createShutdown({
  log: (msg, extra) => logger.info(extra ?? {}, msg),
  exit: (code) => process.exit(code),
  // operations get their grace to finish nodes in flight; everything else fits in the remaining 8 s
  timeoutMs: config.operations.graceMs + 8_000,
  steps: [
    { name: 'stop accepting', run: () => void server.close() },
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
    `Kube Node Manager listening on http://${config.host}:${port}`,
  );
});
