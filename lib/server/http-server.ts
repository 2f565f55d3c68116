import http from 'node:http';
import https from 'node:https';
import type { Logger } from 'pino';
import type { AppConfig } from '@/lib/config';
import { readTlsFiles } from '@/lib/config/tls-files';
import { startTlsReloader } from './tls-reloader';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/**
 * Plain HTTP by default (an ingress or mesh terminates TLS); HTTPS and WSS when TLS_CERT_FILE and
 * TLS_KEY_FILE are set, with the files followed for rotation.
 */
export async function createAppServer(
  config: Pick<AppConfig, 'tls'>,
  handler: Handler,
  logger: Logger,
): Promise<{ server: http.Server; scheme: 'http' | 'https'; stopWatching(): void }> {
  if (!config.tls)
    return { server: http.createServer(handler), scheme: 'http', stopWatching: () => undefined };
  const { certFile, keyFile } = config.tls;
  const initial = await readTlsFiles(certFile, keyFile);
  const server = https.createServer({ ...initial }, handler);
  const reloader = startTlsReloader({
    certFile,
    keyFile,
    server,
    initial,
    onReload: (info) => logger.info({ certFile, ...info }, 'TLS certificate reloaded'),
    onError: (err) =>
      logger.warn({ certFile, keyFile, err: err.message }, 'TLS files changed but are not usable yet'),
  });
  return { server, scheme: 'https', stopWatching: () => reloader.close() };
}
