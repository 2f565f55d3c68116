import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { canAccessCluster, checkAccess, type Access } from '@/lib/auth/permissions';
import type { Principal } from '@/lib/auth/types';
import { getAppContext, type AppContext } from '@/lib/server/app-context';
import { ApiError, errorResponse, forbidden, serviceUnavailable, toApiError, unauthorized } from './errors';
import { isDatabaseUnavailable } from '@/lib/db/guarded-dialect';
import { DEFAULT_MAX_BODY_BYTES, readJsonBody } from './request-body';
import { clientIp, isMutation, originAllowed, userAgent } from './request-meta';
import { setRequestUser } from './request-scope';

export * from './errors';

export interface RouteSpec {
  auth: 'public' | Access;
  /** refuse API tokens: only a signed-in browser session may call it (minting tokens, own password) */
  sessionOnly?: boolean;
  /** accept `?token=` (EventSource cannot send headers); only the SSE stream sets this */
  queryToken?: boolean;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  maxBodyBytes?: number;
}

type Infer<T> = T extends z.ZodType ? z.output<T> : undefined;

export interface RouteArgs<S extends RouteSpec> {
  req: Request;
  principal: S['auth'] extends 'public' ? Principal | null : Principal;
  params: Infer<S['params']>;
  query: Infer<S['query']>;
  body: Infer<S['body']>;
  ctx: AppContext;
  /** caller address and agent, for audit entries */
  meta: { ip: string; userAgent: string | null };
}

/** Next's second route-handler argument (params is a Promise since Next 15). */
export interface RouteContext {
  params: Promise<Record<string, string | string[] | undefined>>;
}

function zodError(where: 'params' | 'query' | 'body', error: z.ZodError): ApiError {
  const issues = error.issues.map((i) => ({
    path: [where, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
  const first = issues[0];
  const message = first ? `${first.path}: ${first.message}` : `${where}: invalid`;
  return new ApiError(400, 'invalid_request', message, { issues });
}

function parseWith(
  where: 'params' | 'query' | 'body',
  schema: z.ZodType | undefined,
  input: unknown,
): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(input);
  if (!result.success) throw zodError(where, result.error);
  return result.data;
}

async function resolvePrincipal(spec: RouteSpec, req: Request, ctx: AppContext): Promise<Principal | null> {
  const principal = await ctx.auth.authenticate(req, { queryToken: spec.queryToken === true });
  if (principal) setRequestUser(principal.username);
  if (spec.auth === 'public') return principal;
  if (!principal) throw unauthorized();
  if (!(await ctx.auth.stillValid(principal))) throw unauthorized('Session or token is no longer valid');
  const decision = checkAccess(principal, spec.auth);
  if (!decision.ok) throw forbidden(decision.reason);
  // Backstop for a mis-declared route: nothing but a read may run on a read-only token.
  if (isMutation(req.method) && principal.scope === 'read')
    throw forbidden('this API token is read-only; changes need a write-scoped token');
  if (spec.sessionOnly && principal.via !== 'session')
    throw forbidden('Only a signed-in browser session may do this, not an API token', 'session_required');
  if (
    principal.via === 'session' &&
    isMutation(req.method) &&
    !originAllowed(req.headers, ctx.config.publicOrigins)
  ) {
    throw forbidden('Cross-site request refused: Origin is not an allowed origin of this app', 'csrf');
  }
  return principal;
}

/**
 * Wraps a route handler: auth (401), validity, role + token scope (403), CSRF for cookie
 * mutations, zod parsing of params/query/body (400 naming the field; 413; 415), and maps
 * every error in one place. The handler returns a Response, a JSON-able value, or undefined (204).
 */
export type RouteHandler = ((req: Request, routeCtx?: RouteContext) => Promise<Response>) & {
  /** the declaration, for the route-table test */
  readonly spec: RouteSpec;
};

export function apiRoute<const S extends RouteSpec>(
  spec: S,
  handler: (args: RouteArgs<S>) => unknown,
): RouteHandler {
  const route = async (req: Request, routeCtx?: RouteContext): Promise<Response> => {
    let ctx: AppContext | undefined;
    try {
      ctx = getAppContext();
      if (ctx.shuttingDown) throw serviceUnavailable('Server is shutting down');
      const principal = await resolvePrincipal(spec, req, ctx);
      const rawParams = routeCtx ? await routeCtx.params : {};
      const params = parseWith('params', spec.params, rawParams);
      const url = new URL(req.url, 'http://localhost');
      const query = parseWith('query', spec.query, Object.fromEntries(url.searchParams));
      const body = spec.body
        ? parseWith('body', spec.body, await readJsonBody(req, spec.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES))
        : undefined;
      const args = {
        req,
        principal,
        params,
        query,
        body,
        ctx,
        meta: { ip: clientIp(req.headers, ctx.config.trustedProxies), userAgent: userAgent(req.headers) },
      } as RouteArgs<S>;
      const result = await handler(args);
      if (result instanceof Response) return result;
      if (result === undefined)
        return new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } });
      return Response.json(result, { headers: { 'Cache-Control': 'no-store' } });
    } catch (err) {
      const mapped = toApiError(err) ?? (isDatabaseUnavailable(err) ? dbUnavailable() : null);
      if (mapped) return errorResponse(mapped);
      const ref = randomBytes(6).toString('hex');
      try {
        ctx?.logger.error(
          { err, ref, method: req.method, path: new URL(req.url, 'http://localhost').pathname },
          'unhandled route error',
        );
      } catch {
        // logging must never turn into a second failure
      }
      return errorResponse(new ApiError(500, 'internal', `Internal server error (ref ${ref})`));
    }
  };
  return Object.assign(route, { spec });
}

const dbUnavailable = () =>
  new ApiError(503, 'database_unavailable', 'The database is unavailable; try again shortly', undefined, {
    'Retry-After': '5',
  });

/** Throws 403 unless the principal was granted the cluster (admins have all). */
export function assertClusterAccess(principal: Principal, cluster: string): void {
  if (!canAccessCluster(principal, cluster)) {
    throw forbidden(`You have no access to cluster '${cluster}'`, 'cluster_forbidden');
  }
}
