import { canAccessCluster } from '@/lib/auth/permissions';
import type { Principal } from '@/lib/auth/types';
import { apiRoute } from '@/lib/http/handler';
import { readDenied } from '@/lib/identity/guards';
import { assertCacheReadable } from '@/lib/identity/routes';
import { exportMediaTypes, nodeExportParamsSchema, type ExportFormat } from '@/lib/protocol/node-export';
import { fromQueryParams, type NodeQuery } from '@/lib/protocol/node-query';
import { clusterParams } from '@/lib/protocol/route-params';
import type { AppContext } from '@/lib/server/app-context';
import { mergeFleet, type ClusterNodes } from '@/lib/shared/fleet-query';
import { compileNodeFilter, NodeQueryError } from '@/lib/shared/node-query';
import { NodeOpError } from './errors';
import { listNodes } from './node-api';
import { exportChunks, type ExportItem } from './node-export';

/** `nodes-demo-20261202T114000Z.csv`: names are DNS labels, so the filename needs no quoting rules. */
function fileName(scope: string, format: ExportFormat, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `nodes-${scope}-${stamp}.${format}`;
}

/** Streams the chunks; the row count and any cluster left out travel in headers, not in the file. */
function fileResponse(
  format: ExportFormat,
  scope: string,
  items: readonly ExportItem[],
  withCluster: boolean,
  extra: Record<string, string> = {},
): Response {
  const chunks = exportChunks(format, items, withCluster);
  const enc = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(enc.encode(next.value));
    },
  });
  return new Response(body, {
    headers: {
      'Content-Type': exportMediaTypes[format],
      'Content-Disposition': `attachment; filename="${fileName(scope, format)}"`,
      'Cache-Control': 'no-store',
      'X-Total-Count': String(items.length),
      ...extra,
    },
  });
}

/*
 * Not under `…/nodes/`: a static `export` segment there would shadow the node named "export".
 */

/**
 * GET /api/v1/clusters/:cluster/export/nodes?format=csv|yaml&<node query>: the rows the REST list
 * returns for the same query, in its order (the same SmartCache read), as a file.
 */
export const exportClusterNodes = apiRoute(
  { auth: 'read', params: clusterParams, query: nodeExportParamsSchema },
  async ({ principal, params, query: { format, ...q }, ctx }) => {
    await assertCacheReadable(ctx, principal, params.cluster);
    const list = await listNodes(ctx, params.cluster, q);
    return fileResponse(
      format,
      params.cluster,
      list.items.map((node) => ({ node })),
      false,
    );
  },
);

/** A bad filter is a 400 naming the field even when no cluster is readable (nothing else would evaluate it). */
function assertValidQuery(query: NodeQuery): void {
  try {
    compileNodeFilter(query);
  } catch (e) {
    if (e instanceof NodeQueryError) throw new NodeOpError('bad_request', e.message);
    throw e;
  }
}

/** Clusters the caller may read from the cache: granted, and (identity modes) allowed to list nodes. */
async function readableClusters(
  ctx: Pick<AppContext, 'clusters' | 'identity' | 'manager'>,
  principal: Principal,
): Promise<{ readable: string[]; skipped: string[] }> {
  const readable: string[] = [];
  const skipped: string[] = [];
  for (const c of await ctx.clusters.list()) {
    if (!canAccessCluster(principal, c.name)) continue;
    if (!ctx.manager.hasCluster(c.name) || (await readDenied(ctx.identity, principal, c.name)))
      skipped.push(c.name);
    else readable.push(c.name);
  }
  return { readable, skipped };
}

/**
 * GET /api/v1/export/nodes?format=csv|yaml&<node query>: every cluster the caller may read, merged in
 * the all-clusters view's order (lib/shared/fleet-query.ts) with a cluster column. Clusters the caller
 * is granted but that refuse them (or are not loaded here) are named in `X-Skipped-Clusters`.
 */
export const exportAllNodes = apiRoute(
  { auth: 'read', query: nodeExportParamsSchema },
  async ({ principal, query: { format, ...q }, ctx }) => {
    const { query, window } = fromQueryParams(q);
    assertValidQuery(query);
    const { readable, skipped } = await readableClusters(ctx, principal);
    const lists: ClusterNodes[] = [];
    for (const cluster of readable) {
      const list = await listNodes(ctx, cluster, { ...q, offset: undefined, limit: undefined });
      lists.push({ cluster, nodes: list.items });
    }
    let rows = mergeFleet(lists, query);
    if (window) rows = rows.slice(window.offset, window.offset + window.limit);
    return fileResponse(format, 'all-clusters', rows, true, {
      ...(skipped.length ? { 'X-Skipped-Clusters': skipped.join(',') } : {}),
    });
  },
);
