import type { NodeListResponse } from '@/lib/protocol/api';
import type { NodeSummary } from '@/lib/protocol/node-summary';
import type { AppContext } from '@/lib/server/app-context';
import { NodeOpError } from './errors';
import type { Actor } from './node-service';
import { bodyStream, listBody, type ListBody } from './list-body';
import { GzipRuns } from '@/lib/http/gzip-runs';
import { acceptsGzip, bytesBody, gzipBody, gzipHeaders } from '@/lib/http/precompressed';
import { formatNodeQuery, fromQueryParams, nodeQuery, type NodeQueryParams } from '@/lib/protocol/node-query';
import { loadNodeDetail, type NodeDetail } from './node-detail';
import { CORDON_AUDIT_ACTIONS, resolveCordon } from './cordon-origin';

type Ctx = Pick<AppContext, 'manager' | 'nodeSource'>;

/** Translates the realtime core's errors into node-operation errors at the one boundary routes call. */
async function guard<T>(cluster: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    // By name, not instanceof: the manager was built by server.ts's copy of these modules, not the route bundle's.
    const name = err instanceof Error ? err.name : '';
    if (name === 'UnknownClusterError')
      throw new NodeOpError('not_found', `cluster ${cluster} is not registered`);
    if (name === 'NodeQueryError' || name === 'LabelSelectorError')
      throw new NodeOpError('bad_request', (err as Error).message);
    throw err;
  }
}

/**
 * The node table from the SmartCache. The seq is read before the list, so a client that
 * subscribes with since=seq misses nothing (it may see a change twice; applying is idempotent).
 */
export function listNodes(ctx: Ctx, cluster: string, q: NodeQueryParams): Promise<NodeListResponse> {
  return guard(cluster, async () => {
    const seq = ctx.manager.currentSeq(cluster);
    const { query, window } = fromQueryParams(q);
    const page = await ctx.manager.listNodes(cluster, query, window);
    return { cluster, seq, source: page.source, synced: page.synced, total: page.total, items: page.items };
  });
}

interface CachedList {
  seq: number;
  body: ListBody;
  /** the body gzipped once for every client of this version (made on first ask), and how many runs that took */
  gzip?: Promise<{ body: Buffer; recompressed: number; runs: number }>;
}
/**
 * The unfiltered list per cluster cache, valid while the cluster's seq is unchanged (the UI's
 * most common read). Keyed by the cache object, so a removed cluster's entry goes with it.
 */
const fullLists = new WeakMap<object, CachedList>();
/** per cluster cache: the compressed runs of the last full list, reused where its nodes are unchanged */
const gzippers = new WeakMap<object, GzipRuns>();

function isFullList(q: NodeQueryParams): boolean {
  const { query, window } = fromQueryParams(q);
  return !window && formatNodeQuery(query) === '';
}

async function listBodyFor(
  ctx: Ctx,
  cluster: string,
  q: NodeQueryParams,
): Promise<{ entry: CachedList; reused: boolean; gzipper?: GzipRuns }> {
  const cache = isFullList(q)
    ? await guard(cluster, () => Promise.resolve(ctx.manager.getCache(cluster)))
    : undefined;
  const cached = cache && fullLists.get(cache);
  let gzipper = cache && gzippers.get(cache);
  if (cache && !gzipper) gzippers.set(cache, (gzipper = new GzipRuns()));
  if (cached && cached.seq === ctx.manager.currentSeq(cluster))
    return { entry: cached, reused: true, gzipper };
  const list = await listNodes(ctx, cluster, q);
  const entry: CachedList = { seq: list.seq, body: listBody(list) };
  if (cache && list.synced) fullLists.set(cache, entry);
  return { entry, reused: false, gzipper: cache && list.synced ? gzipper : undefined };
}

/**
 * The list as a Response. The unfiltered list is rebuilt only when the cluster's seq moved,
 * and carries an ETag so a client holding it gets 304. The body streams the nodes' cached
 * JSON bytes; Server-Timing says how long reading the cache and assembling the body took.
 * Lists are gzipped here, not by Next: the unfiltered list once per version and incrementally
 * (GzipRuns: only the runs of changed nodes are compressed again), other lists per request.
 */
export async function listNodesResponse(
  ctx: Ctx,
  cluster: string,
  q: NodeQueryParams,
  req: Request,
): Promise<Response> {
  const started = performance.now();
  const { entry, reused, gzipper } = await listBodyFor(ctx, cluster, q);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache',
    Vary: 'Accept-Encoding',
  };
  if (isFullList(q)) {
    headers.ETag = `"${cluster}-${entry.seq}"`;
    if (req.headers.get('if-none-match') === headers.ETag)
      return new Response(null, { status: 304, headers });
  }
  const listed = `list;dur=${(performance.now() - started).toFixed(3)};desc="${reused ? 'reused' : 'built'}"`;
  if (!acceptsGzip(req))
    return new Response(bodyStream(entry.body), { headers: { ...headers, 'Server-Timing': listed } });
  // Compressed here, not by Next: the full list once per version (incrementally), other lists per request.
  const zipping = performance.now();
  const runs = gzipper ? await gzipOnce(entry, gzipper) : undefined;
  const body = runs
    ? bytesBody(runs.body)
    : await gzipBody(entry.body.pieces, entry.body.length, () => bodyStream(entry.body));
  const how = runs ? `;desc="${runs.recompressed} of ${runs.runs} runs"` : '';
  const timing = `${listed}, gzip;dur=${(performance.now() - zipping).toFixed(3)}${how}`;
  return new Response(body, { headers: { ...headers, ...gzipHeaders(), 'Server-Timing': timing } });
}

/** One compression per list version, shared by concurrent requests; a failure is forgotten so the next request tries again. */
function gzipOnce(entry: CachedList, gzipper: GzipRuns): NonNullable<CachedList['gzip']> {
  entry.gzip ??= gzipper.gzip(entry.body.pieces).catch((err: unknown) => {
    entry.gzip = undefined;
    throw err;
  });
  return entry.gzip;
}

export function getNodeSummary(ctx: Ctx, cluster: string, node: string): Promise<NodeSummary> {
  return guard(cluster, async () => {
    const found = await ctx.nodeSource.getNode(cluster, node);
    if (!found) throw new NodeOpError('not_found', `node ${node} not found in cluster ${cluster}`);
    return found;
  });
}

/**
 * The detail is read from the API server as the user (their identity, by the cluster's mode), with who
 * cordoned the node decided here (annotations, else the audit log, else outside the app), so every
 * browser shows the same answer.
 */
export function getNodeDetail(
  ctx: Ctx & Pick<AppContext, 'audit'>,
  cluster: string,
  node: string,
  actor: Actor,
): Promise<NodeDetail> {
  return guard(cluster, async () => {
    const detail = await loadNodeDetail(
      ctx.nodeSource.kubeConfig(cluster, actor),
      await getNodeSummary(ctx, cluster, node),
    );
    const cordon = await resolveCordon(detail.summary, () =>
      ctx.audit.latestNodeAction(cluster, node, CORDON_AUDIT_ACTIONS),
    );
    return { ...detail, cordon };
  });
}

/** Runs a node write, mapping an unknown cluster to 404 like the reads do. */
export function nodeWrite<T>(cluster: string, fn: () => Promise<T>): Promise<T> {
  return guard(cluster, fn);
}

/** Node names a batch addresses: the given list, or the nodes matching a label selector now. */
export function resolveBatchNodes(
  ctx: Ctx,
  cluster: string,
  spec: { nodes?: string[]; selector?: string },
): Promise<string[]> {
  return guard(cluster, async () => {
    if (spec.nodes) return spec.nodes;
    const page = await ctx.manager.listNodes(cluster, nodeQuery({ labelSelector: spec.selector ?? '' }));
    return page.items.map((n) => n.name);
  });
}
