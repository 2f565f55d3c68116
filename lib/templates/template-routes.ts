import { z } from 'zod';
import { audited } from '@/lib/http/audited';
import { apiRoute, assertClusterAccess, badRequest } from '@/lib/http/handler';
import { resolveBatchNodes } from '@/lib/nodes/node-api';
import { actorOf } from '@/lib/nodes/node-routes';
import { exactlyOneTarget, nodeTargetShape } from '@/lib/operations/batch';
import { startBatch } from '@/lib/operations/batch-service';
import { templateBody } from './template-service';

const idParams = z.object({ id: z.uuid({ message: 'must be a template id' }) });
const applyBody = z
  .object({ cluster: z.string().min(1).max(63), ...nodeTargetShape })
  .strict()
  .refine(...exactlyOneTarget);

export const listTemplates = apiRoute({ auth: 'read' }, async ({ ctx }) => ({
  items: await ctx.templates.list(),
}));

export const getTemplate = apiRoute({ auth: 'read', params: idParams }, ({ params, ctx }) =>
  ctx.templates.get(params.id),
);

export const createTemplate = apiRoute({ auth: 'write', body: templateBody }, async (args) => {
  const { body, principal, ctx } = args;
  const created = await audited(
    args,
    { action: 'template.create', target: body.name, parameters: { ...body } },
    () => ctx.templates.create(body, principal.username),
  );
  return Response.json(created, { status: 201 });
});

export const updateTemplate = apiRoute({ auth: 'write', params: idParams, body: templateBody }, (args) =>
  audited(args, { action: 'template.update', target: args.body.name, parameters: { ...args.body } }, () =>
    args.ctx.templates.update(args.params.id, args.body),
  ),
);

export const deleteTemplate = apiRoute({ auth: 'write', params: idParams }, async (args) => {
  await audited(args, { action: 'template.delete', target: args.params.id }, () =>
    args.ctx.templates.remove(args.params.id),
  );
});

/** Applies a template to nodes as a tracked operation, exactly like a batch of its kind. */
export const applyTemplate = apiRoute({ auth: 'write', params: idParams, body: applyBody }, async (args) => {
  const { principal, params, body, ctx } = args;
  assertClusterAccess(principal, body.cluster);
  const template = await ctx.templates.get(params.id);
  const op = await audited(
    args,
    {
      action: 'template.apply',
      cluster: body.cluster,
      target: template.name,
      parameters: { nodes: body.nodes ?? null, selector: body.selector ?? null },
    },
    async () => {
      const nodes = await resolveBatchNodes(ctx, body.cluster, body);
      if (nodes.length === 0) throw badRequest(`selector: no node matches ${body.selector ?? ''}`);
      const batch =
        template.kind === 'labels'
          ? { kind: 'labels' as const, params: template.spec }
          : { kind: 'taints' as const, params: template.spec };
      return startBatch(ctx, {
        cluster: body.cluster,
        batch,
        nodes,
        concurrency: body.concurrency,
        actor: actorOf(principal),
      });
    },
  );
  return Response.json({ operation: op }, { status: 202 });
});
