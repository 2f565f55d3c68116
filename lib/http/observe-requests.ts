import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { metrics } from '@/lib/metrics/hooks';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id';
import { runInRequestScope, type RequestScope } from './request-scope';
import { createRouteMatcher } from './route-templates';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** Long-lived responses: their duration is a connection's lifetime, so they stay out of the latency histogram. */
const STREAMING_ROUTES = new Set(['/api/v1/sse/nodes']);
/** Asset and probe traffic is logged at debug so info-level logs stay readable. */
const QUIET_ROUTES = new Set(['/_next/static', '/_next', '/api/healthz', '/api/readyz', '/api/metrics']);

/** Node's IncomingHttpHeaders behind the `get()` the request-id acceptance takes. */
export function headerGetter(req: IncomingMessage): { get(name: string): string | null } {
  return {
    get: (name) => {
      const v = req.headers[name.toLowerCase()];
      return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
    },
  };
}

export interface ObserveOptions {
  logger: Pick<Logger, 'info' | 'debug'>;
  /**
   * Whether the request came through a trusted proxy, so its X-Request-Id may be kept. Until the
   * proxy allow-list (TRUSTED_PROXIES) is wired here, nothing is trusted and every id is generated.
   */
  trusted?: (req: IncomingMessage) => boolean;
}

/**
 * Wraps the HTTP server's request listener: gives each request an id (echoed as X-Request-Id, set
 * on the request for route handlers, and on every log line through the request scope), and when
 * the response ends writes one access log line and one observation of the HTTP duration histogram,
 * both labelled with the route template, never the raw path.
 */
export function observeRequests(next: Listener, opts: ObserveOptions): Listener {
  const routeOf = createRouteMatcher();
  return (req, res) => {
    const started = performance.now();
    const id = requestIdFrom(headerGetter(req), opts.trusted?.(req) ?? false);
    req.headers[REQUEST_ID_HEADER] = id;
    res.setHeader('X-Request-Id', id);
    const scope: RequestScope = { id };
    res.once('close', () => {
      const seconds = (performance.now() - started) / 1000;
      const pathname = (req.url ?? '/').split('?')[0] ?? '/';
      const route = routeOf(pathname);
      const status = res.writableFinished ? res.statusCode : 499; // 499: the client went away first
      const method = req.method ?? 'GET';
      if (!STREAMING_ROUTES.has(route)) metrics().httpRequest(method, route, status, seconds);
      const line = {
        method,
        route,
        path: pathname,
        status,
        durationMs: Math.round(seconds * 1e4) / 10,
        user: scope.user,
      };
      runInRequestScope(scope, () => {
        if (QUIET_ROUTES.has(route)) opts.logger.debug(line, 'request');
        else opts.logger.info(line, 'request');
      });
    });
    runInRequestScope(scope, () => next(req, res));
  };
}

type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** The same request id and scope for WebSocket upgrades, so the upgrade's log lines carry it too. */
export function observeUpgrades(
  next: UpgradeListener,
  opts: Pick<ObserveOptions, 'trusted'> = {},
): UpgradeListener {
  return (req, socket, head) => {
    const id = requestIdFrom(headerGetter(req), opts.trusted?.(req) ?? false);
    req.headers[REQUEST_ID_HEADER] = id;
    runInRequestScope({ id }, () => next(req, socket, head));
  };
}
