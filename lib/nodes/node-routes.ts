import { z } from 'zod';
import type { Principal } from '@/lib/auth/types';
import { audited } from '@/lib/http/audited';
import { actingUserOf } from '@/lib/identity/identity-service';
import { apiRoute, assertClusterAccess } from '@/lib/http/handler';
import { paramsSchemas, type ParsedBatch } from '@/lib/operations/batch';
import type { NodeSummary } from '@/lib/protocol/node-summary';
import type { AppContext } from '@/lib/server/app-context';
import { nodeWrite } from './node-api';
import type { Actor } from './node-service';
import { nodeParams } from '@/lib/protocol/route-params';

type SingleKind = Exclude<ParsedBatch['kind'], 'drain'>;
type ParamsOf<K extends SingleKind> = Extract<ParsedBatch, { kind: K }>['params'];

const actions: {
  [K in SingleKind]: (
    ctx: AppContext,
    cluster: string,
    node: string,
    p: ParamsOf<K>,
    actor: Actor,
  ) => Promise<NodeSummary>;
} = {
  labels: (ctx, cluster, node, p, actor) => ctx.nodes.editLabels(cluster, node, p, actor),
  taints: (ctx, cluster, node, p, actor) => ctx.nodes.editTaints(cluster, node, p, actor),
  cordon: (ctx, cluster, node, p, actor) => ctx.nodes.cordon(cluster, node, actor, p.reason),
  uncordon: (ctx, cluster, node, _p, actor) => ctx.nodes.uncordon(cluster, node, actor),
};

export const actorOf = (p: Principal): Actor => ({
  username: p.username,
  isAdmin: p.role === 'admin',
  acting: actingUserOf(p),
});

/** An empty body means "no parameters" for the kinds whose parameters are all optional. */
export const bodyFor = <K extends ParsedBatch['kind']>(kind: K) =>
  z.preprocess((v) => v ?? {}, paramsSchemas[kind]);

/**
 * POST /api/v1/clusters/:cluster/nodes/:node/<kind>: validate, authorize, write, audit, and
 * answer with the node as the cache has it after the write (read-your-writes).
 */
export function nodeMutationRoute<K extends SingleKind>(kind: K) {
  return apiRoute(
    { auth: 'write', params: nodeParams, body: bodyFor(kind), maxBodyBytes: 64 * 1024 },
    async ({ principal, params, body, ctx, meta }) => {
      assertClusterAccess(principal, params.cluster);
      const node = await audited(
        { ctx, principal, meta },
        { action: `node.${kind}`, cluster: params.cluster, target: params.node, parameters: body },
        () =>
          nodeWrite(params.cluster, () =>
            actions[kind](ctx, params.cluster, params.node, body as ParamsOf<K>, actorOf(principal)),
          ),
      );
      return { node };
    },
  );
}
