import { pushTestBody as body } from '@/lib/protocol/push-api';
import { audited } from '@/lib/http/audited';
import { apiRoute, notFound } from '@/lib/http/handler';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * POST /api/v1/ws/test (admin): pushes a `test` message to the cluster's subscribers on both
 * transports and on every replica (through the control bus). `recipients` counts this replica's.
 */
export const POST = apiRoute({ auth: 'admin', body }, async ({ principal, body, ctx, meta }) => {
  if (ctx.hub.checkAccess(principal, body.cluster) !== 'ok') throw notFound(`cluster '${body.cluster}'`);
  const recipients = await audited(
    { ctx, principal, meta },
    {
      action: 'push.test',
      cluster: body.cluster,
      target: body.cluster,
      parameters: { message: body.message },
    },
    async () => {
      const before = ctx.hub.stats().messagesSent;
      // this replica's subscribers get it synchronously inside publish(), the others through the bus;
      // counting before the first await keeps other traffic out of the figure
      const sent = ctx.bus.publish({
        type: 'push.message',
        message: {
          type: 'test',
          cluster_name: body.cluster,
          timestamp: new Date().toISOString(),
          data: { message: body.message },
        },
      });
      const recipients = ctx.hub.stats().messagesSent - before;
      await sent;
      return recipients;
    },
  );
  return { cluster: body.cluster, recipients };
});
