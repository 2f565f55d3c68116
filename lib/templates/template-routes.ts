import type { Principal } from '@/lib/auth/types';
import { audited } from '@/lib/http/audited';
import { apiRoute, assertClusterAccess, badRequest } from '@/lib/http/handler';
import { resolveBatchNodes } from '@/lib/nodes/node-api';
import { actorOf } from '@/lib/nodes/node-routes';
import type { ParsedBatch } from '@/lib/operations/batch';
import { auditedOperation } from '@/lib/operations/batch-audit';
import { startBatch } from '@/lib/operations/batch-service';
import { assertBatchAllowed } from '@/lib/operations/operation-routes';
import { applyTemplateBody, templateBody, templateIdParams as idParams } from './template-schemas';
import type { TemplateActor } from './template-service';

const templateActor = (p: Principal): TemplateActor => ({
  userId: p.userId,
  username: p.username,
  isAdmin: p.role === 'admin',
});

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
    () => ctx.templates.create(body, templateActor(principal)),
  );
  return Response.json(created, { status: 201 });
});

/** Only the owner or an admin (TemplateService checks, 403 otherwise). */
export const updateTemplate = apiRoute({ auth: 'write', params: idParams, body: templateBody }, (args) =>
  audited(args, { action: 'template.update', target: args.body.name, parameters: { ...args.body } }, () =>
    args.ctx.templates.update(args.params.id, args.body, templateActor(args.principal)),
  ),
);

export const deleteTemplate = apiRoute({ auth: 'write', params: idParams }, async (args) => {
  await audited(args, { action: 'template.delete', target: args.params.id }, () =>
    args.ctx.templates.remove(args.params.id, templateActor(args.principal)),
  );
});

/**
 * Applies a template to nodes as a tracked operation, exactly like a batch of its kind. Whether
 * system keys may change is decided here, by the applier's role and their own confirmSystem.
 */
export const applyTemplate = apiRoute(
  { auth: 'write', params: idParams, body: applyTemplateBody },
  async (args) => {
    const { principal, params, body, ctx } = args;
    assertClusterAccess(principal, body.cluster);
    const template = await ctx.templates.get(params.id);
    const confirm = body.confirmSystem ? { confirmSystem: true } : {};
    const batch: ParsedBatch =
      template.kind === 'labels'
        ? { kind: 'labels', params: { ...template.spec, ...confirm } }
        : { kind: 'taints', params: { ...template.spec, ...confirm } };
    assertBatchAllowed(batch, principal);
    const op = await auditedOperation(
      args,
      {
        action: 'template.apply',
        cluster: body.cluster,
        target: template.name,
        parameters: {
          template: template.id,
          nodes: body.nodes ?? null,
          selector: body.selector ?? null,
          confirmSystem: body.confirmSystem ?? false,
        },
      },
      async () => {
        const nodes = await resolveBatchNodes(ctx, body.cluster, body);
        if (nodes.length === 0) throw badRequest(`selector: no node matches ${body.selector ?? ''}`);
        return startBatch(ctx, {
          cluster: body.cluster,
          batch,
          nodes,
          concurrency: body.concurrency,
          actor: actorOf(principal),
          auditNodes: args,
        });
      },
    );
    return Response.json({ operation: op }, { status: 202 });
  },
);
