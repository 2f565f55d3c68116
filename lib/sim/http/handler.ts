import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiErrors, SimApiError } from '../errors';
import { parseFaultCommand } from '../faults';
import { isPlainObject } from '../json-util';
import { patchTypeFromContentType } from '../patch';
import { type ResourceDef, resourceDef } from '../resources';
import { compileFilter } from '../store';
import { SUPERUSER_GROUP, type RequestAttributes, type Subject } from '../rbac/authorizer';
import {
  actingSubject,
  authenticate,
  authorizeRequest,
  requestAttributes,
  selfSubjectAccessReview,
  type Authenticated,
} from './auth';
import type { SimContext } from './context';
import { discoveryDoc } from './discovery';
import { jsonFormat, jsonFullListParts } from './format';
import { readJsonBody, sendError, sendJson, sendJsonText } from './respond';
import { WatchConn } from './watch';

interface ResourcePath {
  group: string;
  version: string;
  resource: string;
  namespace?: string;
  name?: string;
  sub?: string;
  watchPrefix: boolean;
}

const publicPaths = new Set(['/version', '/healthz', '/livez', '/readyz']);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Parses /api/v1/... and /apis/{g}/{v}/... paths (incl. the legacy /watch/ prefix). */
export function parseResourcePath(path: string): ResourcePath | undefined {
  let segs: string[];
  try {
    segs = path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    throw apiErrors.badRequest(`malformed URL path: ${path}`);
  }
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api' && segs[1] === 'v1') {
    group = '';
    version = 'v1';
    rest = segs.slice(2);
  } else if (segs[0] === 'apis' && segs.length >= 4) {
    group = segs[1]!;
    version = segs[2]!;
    rest = segs.slice(3);
  } else return undefined;
  let watchPrefix = false;
  if (rest[0] === 'watch') {
    watchPrefix = true;
    rest = rest.slice(1);
  }
  if (rest.length === 0 || rest.length > 5) return undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    if (rest.length > 5) return undefined;
    return {
      group,
      version,
      resource: rest[2]!,
      namespace: rest[1],
      name: rest[3],
      sub: rest[4],
      watchPrefix,
    };
  }
  if (rest.length > 3) return undefined;
  return { group, version, resource: rest[0]!, name: rest[1], sub: rest[2], watchPrefix };
}

/** Entry point for every simulator HTTP request; never throws (errors become Status responses). */
export async function handleRequest(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const seen: Seen = {};
  let code: number | undefined;
  try {
    await route(ctx, req, res, seen);
  } catch (err) {
    if (!(err instanceof SimApiError)) console.error('sim: unexpected error', err);
    code = err instanceof SimApiError ? err.code : 500;
    if (!res.headersSent) sendError(res, err);
    else res.destroy();
  }
  if (seen.real && seen.attrs)
    ctx.audit.record({
      at: ctx.store.nowMs(),
      uri: req.url ?? '/',
      real: seen.real.subject,
      acting: seen.acting ?? seen.real.subject,
      authenticatedBy: seen.real.by,
      attrs: seen.attrs,
      code: code ?? res.statusCode,
    });
}

/** What the audit trail records of a request, filled in as route() learns it. */
interface Seen {
  real?: Authenticated;
  acting?: Subject;
  attrs?: RequestAttributes;
}

async function route(ctx: SimContext, req: IncomingMessage, res: ServerResponse, seen: Seen): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sim.invalid');
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
  const method = req.method ?? 'GET';
  if (publicPaths.has(path) && method === 'GET') {
    if (path === '/version') return sendJson(res, 200, discoveryDoc(path));
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    return void res.end('ok');
  }
  const authn = await authenticate(ctx, req);
  if (!authn) throw apiErrors.unauthorized();
  if (path.startsWith('/_sim/')) return simAdmin(ctx, req, res, url, method, authn.subject);
  if (ctx.faults.latencyMs > 0) await sleep(ctx.faults.latencyMs);
  const injected = ctx.faults.takeFailure();
  if (injected) throw injected;
  // discovery documents are non-resource paths for the authorizer (system:discovery allows them)
  const doc = discoveryDoc(path);
  const rp = doc === undefined ? parseResourcePath(path) : undefined;
  const attrs = requestAttributes(method, path, rp, url.searchParams);
  Object.assign(seen, { real: authn, attrs });
  const user = actingSubject(ctx, authn.subject, req);
  seen.acting = user;
  authorizeRequest(ctx, user, attrs);
  if (method === 'GET' && doc !== undefined) return sendJson(res, 200, doc);
  if (!rp) throw apiErrors.pathNotFound();
  if (method === 'POST' && (await rbacCreate(ctx, req, res, rp, user))) return;
  if (rp.group === 'metrics.k8s.io' && rp.version === 'v1beta1') {
    if (method !== 'GET') throw apiErrors.methodNotAllowed();
    if (!ctx.hooks.metrics) throw apiErrors.pathNotFound();
    return sendJson(
      res,
      200,
      ctx.hooks.metrics(
        rp.resource,
        rp.namespace,
        rp.name,
        url.searchParams.get('labelSelector') ?? undefined,
      ),
    );
  }
  const def = resourceDef(rp.resource);
  if (!def || def.group !== rp.group || def.version !== rp.version) throw apiErrors.pathNotFound();
  if (!def.namespaced && rp.namespace !== undefined) throw apiErrors.pathNotFound();
  if (url.searchParams.has('dryRun')) throw apiErrors.badRequest('dryRun is not supported by the simulator');
  const q = url.searchParams;
  if (rp.sub && !['status', 'eviction'].includes(rp.sub)) throw apiErrors.pathNotFound();
  if (rp.sub === 'eviction' && (def.resource !== 'pods' || method !== 'POST'))
    throw apiErrors.methodNotAllowed();
  const format = ctx.formatFor?.(req, def, q) ?? jsonFormat;
  const ref = { resource: def.resource, group: def.group };
  const ns = def.namespaced ? rp.namespace : undefined;
  const store = ctx.store;

  if (method === 'GET') {
    const isWatch = rp.watchPrefix || q.get('watch') === 'true' || q.get('watch') === '1';
    if (rp.name !== undefined && !isWatch) {
      const e = store.entry(def.resource, ns, rp.name);
      if (!e) throw apiErrors.notFound(ref, rp.name);
      return sendJsonText(res, 200, format.single(def, e));
    }
    if (rp.name !== undefined)
      q.set('fieldSelector', [q.get('fieldSelector'), `metadata.name=${rp.name}`].filter(Boolean).join(','));
    if (isWatch) return startWatch(ctx, res, def, rp.namespace, q, format);
    const limit = q.get('limit');
    const rvParam = q.get('resourceVersion');
    const plain = ['labelSelector', 'fieldSelector', 'limit', 'continue', 'resourceVersionMatch'].every(
      (k) => !q.get(k),
    );
    if (format === jsonFormat && plain && !rp.namespace && (!rvParam || /^\d+$/.test(rvParam))) {
      const parts = jsonFullListParts(def, store.resourceVersion, store.allItemsJson(def.resource));
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Cache-Control': 'no-cache, private',
        'Content-Length': parts.reduce((a, b) => a + b.length, 0),
      });
      res.cork();
      for (const p of parts) res.write(p);
      res.uncork();
      return void res.end();
    }
    const result = store.list(def.resource, {
      namespace: rp.namespace,
      labelSelector: q.get('labelSelector') ?? undefined,
      fieldSelector: q.get('fieldSelector') ?? undefined,
      limit: limit ? parseIntParam('limit', limit) : undefined,
      continue: q.get('continue') ?? undefined,
      resourceVersion: q.get('resourceVersion') ?? undefined,
      resourceVersionMatch: q.get('resourceVersionMatch') ?? undefined,
    });
    return sendJsonText(res, 200, format.list(def, result));
  }
  if (method === 'POST') {
    const body = await readJsonBody(req);
    if (rp.sub === 'eviction') {
      if (!ctx.hooks.evict) throw apiErrors.pathNotFound();
      ctx.hooks.evict(rp.namespace ?? '', rp.name ?? '', body);
      return sendJson(res, 201, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        code: 201,
      });
    }
    if (rp.name !== undefined) throw apiErrors.methodNotAllowed();
    if (def.namespaced && !rp.namespace) throw apiErrors.pathNotFound();
    const created = store.create(def.resource, body, ns);
    return sendJsonText(res, 201, format.single(def, store.entry(def.resource, ns, created.metadata.name)!));
  }
  if (rp.name === undefined) throw apiErrors.methodNotAllowed();
  if (def.namespaced && !rp.namespace) throw apiErrors.pathNotFound();
  if (method === 'PUT') {
    const body = await readJsonBody(req);
    const obj = store.update(def.resource, body, ns, rp.name);
    return sendJsonText(res, 200, format.single(def, store.entry(def.resource, ns, obj.metadata.name)!));
  }
  if (method === 'PATCH') {
    const type = patchTypeFromContentType(req.headers['content-type']);
    const body = await readJsonBody(req);
    const obj = store.patch(def.resource, ns, rp.name, type, body);
    return sendJsonText(res, 200, format.single(def, store.entry(def.resource, ns, obj.metadata.name)!));
  }
  if (method === 'DELETE') {
    const body = await readJsonBody(req);
    const opts = isPlainObject(body) ? body : {};
    const pre = isPlainObject(opts.preconditions)
      ? (opts.preconditions as { uid?: string; resourceVersion?: string })
      : undefined;
    const graceQ = q.get('gracePeriodSeconds');
    const grace =
      graceQ !== null
        ? parseIntParam('gracePeriodSeconds', graceQ)
        : typeof opts.gracePeriodSeconds === 'number'
          ? opts.gracePeriodSeconds
          : undefined;
    if (def.resource === 'pods' && ctx.hooks.deletePod) {
      return sendJson(res, 200, ctx.hooks.deletePod(rp.namespace!, rp.name, grace, pre));
    }
    const deleted = store.delete(def.resource, ns, rp.name, pre);
    return sendJson(res, 200, deleted);
  }
  throw apiErrors.methodNotAllowed();
}

function parseIntParam(name: string, v: string): number {
  if (!/^-?\d+$/.test(v))
    throw apiErrors.badRequest(`${name}: invalid value ${JSON.stringify(v)}: must be an integer`);
  return Number(v);
}

function startWatch(
  ctx: SimContext,
  res: ServerResponse,
  def: ResourceDef,
  namespace: string | undefined,
  q: URLSearchParams,
  format: typeof jsonFormat,
): void {
  if (q.has('sendInitialEvents')) {
    throw apiErrors.invalid('ListOptions', 'meta.k8s.io', '', [
      {
        reason: 'FieldValueForbidden',
        message:
          'Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled',
        field: 'sendInitialEvents',
      },
    ]);
  }
  const filter = compileFilter(def, {
    namespace,
    labelSelector: q.get('labelSelector') ?? undefined,
    fieldSelector: q.get('fieldSelector') ?? undefined,
  });
  const ts = q.get('timeoutSeconds');
  const timeoutMs = ts
    ? Math.max(1, parseIntParam('timeoutSeconds', ts)) * 1000
    : 1800_000 + Math.floor(Math.random() * 1800_000);
  const conn = new WatchConn(
    res,
    ctx.store,
    {
      def,
      filter,
      format,
      resourceVersion: q.get('resourceVersion') ?? '',
      timeoutMs,
      bookmarks: q.get('allowWatchBookmarks') === 'true',
      bookmarkIntervalMs: ctx.bookmarkIntervalMs,
    },
    (w) => ctx.watches.delete(w),
  );
  ctx.watches.add(conn);
  if (ctx.faults.takeWatchExpiry()) return conn.expire();
  try {
    conn.start();
  } catch (err) {
    ctx.watches.delete(conn);
    throw err;
  }
}

async function simAdmin(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  method: string,
  user: Subject,
): Promise<void> {
  const path = url.pathname.replace(/\/+$/, '');
  if (!user.groups.includes(SUPERUSER_GROUP))
    throw apiErrors.forbidden(user.user, 'create', { resource: '_sim', group: '' }, '');
  if (path === '/_sim/audit' && method === 'GET') {
    const since = url.searchParams.get('since');
    return sendJson(res, 200, {
      items: ctx.audit.list({
        user: url.searchParams.get('user') ?? undefined,
        verb: url.searchParams.get('verb') ?? undefined,
        since: since ? parseIntParam('since', since) : undefined,
      }),
    });
  }
  if (path === '/_sim/audit' && method === 'DELETE') {
    ctx.audit.clear();
    return sendJson(res, 200, { ok: true });
  }
  if (path === '/_sim/digest' && method === 'GET')
    return sendJson(res, 200, { digest: ctx.store.digest(), resourceVersion: ctx.store.resourceVersion });
  if (path === '/_sim/faults' && method === 'POST') {
    const cmd = parseFaultCommand(await readJsonBody(req));
    if (!ctx.hooks.faultCommand) throw apiErrors.pathNotFound();
    ctx.hooks.faultCommand(cmd);
    return sendJson(res, 200, { ok: true, action: cmd.action });
  }
  throw apiErrors.pathNotFound();
}

/** Create-only APIs that store nothing: SelfSubjectAccessReview and TokenRequest. */
async function rbacCreate(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  rp: NonNullable<ReturnType<typeof parseResourcePath>>,
  user: Subject,
): Promise<boolean> {
  if (rp.group === 'authorization.k8s.io' && rp.resource === 'selfsubjectaccessreviews' && !rp.name) {
    sendJson(res, 201, selfSubjectAccessReview(ctx, user, await readJsonBody(req)));
    return true;
  }
  if (rp.group === '' && rp.resource === 'serviceaccounts' && rp.sub === 'token' && rp.namespace && rp.name) {
    if (!ctx.rbac?.enabled) throw apiErrors.pathNotFound();
    sendJson(res, 201, ctx.rbac.tokenRequest(rp.namespace, rp.name, await readJsonBody(req)));
    return true;
  }
  return false;
}
