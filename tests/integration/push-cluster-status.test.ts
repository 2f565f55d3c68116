import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsTestClient } from '@/lib/push/testing/clients';
import { serverMessageSchema } from '@/lib/protocol/messages';
import { eventually } from './helpers/app-server';
import { startSimApp, type SimApp } from './helpers/sim-app';

/**
 * The cluster tabs are pushed, not polled: a connection that subscribed to nothing still hears each
 * cluster's status and node counts as the simulator's nodes change, and the counts equal the REST list's.
 */
let t: SimApp;

beforeAll(async () => {
  t = await startSimApp({ nodes: 12 });
}, 120_000);
afterAll(() => t?.close());

describe('pushed cluster status', () => {
  it('tells an unsubscribed connection about node counts as nodes go NotReady, appear and disappear', async () => {
    const ws = await WsTestClient.open(`ws://127.0.0.1:${t.app.port}/api/v1/ws/nodes`, {
      origin: t.app.origin,
      headers: { cookie: t.cookie },
    });
    try {
      const latest = () =>
        ws.messages
          .filter((m) => m.type === 'cluster_status' && m.cluster_name === 'sim')
          .map((m) => serverMessageSchema.parse(m))
          .at(-1);
      const counts = async (nodes: number, ready: number) =>
        eventually(() => {
          const m = latest();
          return m?.type === 'cluster_status' && m.data.nodes === nodes && m.data.ready === ready && m;
        }, `cluster_status ${ready}/${nodes}`);

      const [first, second] = t.sim.store.listNodes().map((n) => n.metadata.name);
      t.sim.store.setNodeReady(first!, false);
      const m = await counts(12, 11);
      expect(m.data.status).toBe('ready');
      t.sim.store.deleteNode(second!);
      await counts(11, 10);
      t.sim.store.setNodeReady(first!, true);
      await counts(11, 11);
      // the REST list agrees with what was pushed
      const rest = await t.api('GET', '/api/v1/clusters');
      expect(
        (rest.json as { items: Array<{ name: string; nodes: number; ready: number }> }).items,
      ).toContainEqual(expect.objectContaining({ name: 'sim', nodes: 11, ready: 11 }));
    } finally {
      ws.close();
    }
  });
});
