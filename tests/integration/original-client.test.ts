import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { eventually } from './helpers/app-server';
import { startSimApp, type SimApp } from './helpers/sim-app';

/**
 * The original design's browser client (`NodeWebSocket`, ../shared/original-design/node-websocket.js),
 * loaded unmodified, against the real app and simulator: it connects with `?cluster=&token=`,
 * subscribes and unsubscribes with the cluster name as a plain string, and hears a label change as
 * `node_update` with `changes: ["labels"]`. It expects a browser, so `window.location` and a
 * `WebSocket` (ws, sending the page's Origin as a browser would) are provided before it is imported.
 */
const root = path.resolve(import.meta.dirname, '../..');
/** A byte-for-byte copy kept in the repository, so a clone without ../shared (CI) runs the same file. */
const vendoredDir = path.resolve(root, 'tests/fixtures/original-design');
const sharedDir = [
  process.env.ORIGINAL_DESIGN_DIR,
  path.resolve(root, '../shared/original-design'),
  path.resolve(root, '../../shared/original-design'),
].find((d): d is string => !!d && existsSync(path.join(d, 'node-websocket.js')));
const designDir = sharedDir ?? vendoredDir;

interface NodeEvent {
  clusterName: string;
  nodeName: string;
  node?: { labels: Record<string, string> };
  changes?: string[];
}
interface OriginalClient {
  ws: WebSocket | null;
  connect(): void;
  on(type: string, handler: (data: unknown) => void): void;
  subscribe(cluster: string): void;
  unsubscribe(cluster: string): void;
  disconnect(): void;
}

let t: SimApp;
let token: string;
let NodeWebSocket: new (cluster: string, token: string) => OriginalClient;

beforeAll(async () => {
  // where the original is at hand, the copy must still be it, unmodified
  if (sharedDir)
    expect(readFileSync(path.join(vendoredDir, 'node-websocket.js'), 'utf8')).toBe(
      readFileSync(path.join(sharedDir, 'node-websocket.js'), 'utf8'),
    );
  t = await startSimApp({ nodes: 5 });
  const created = await t.api('POST', '/api/v1/tokens', { name: 'original-client', scope: 'read' });
  expect(created.status).toBe(201);
  token = (created.json as { token: string }).token;
  const origin = t.app.origin;
  vi.stubGlobal('window', { location: { protocol: 'http:', host: `127.0.0.1:${t.app.port}` } });
  vi.stubGlobal(
    'WebSocket',
    class BrowserLikeWebSocket extends WebSocket {
      constructor(url: string) {
        super(url, { origin });
      }
    },
  );
  vi.spyOn(console, 'log').mockImplementation(() => {});
  const mod = (await import(pathToFileURL(path.join(designDir, 'node-websocket.js')).href)) as {
    default: typeof NodeWebSocket;
  };
  NodeWebSocket = mod.default;
}, 120_000);

afterAll(async () => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  await t?.close();
});

describe("the original design's NodeWebSocket", () => {
  it('connects with ?cluster=&token=, subscribes and unsubscribes by name, and hears label changes', async () => {
    const client = new NodeWebSocket('sim', token);
    const connected: unknown[] = [];
    const updates: NodeEvent[] = [];
    const raw: { type: string; cluster_name?: string }[] = [];
    client.on('connected', (d) => connected.push(d));
    client.on('node_update', (d) => updates.push(d as NodeEvent));
    client.connect();
    const ws = client.ws as WebSocket;
    ws.on('message', (data: Buffer) => raw.push(JSON.parse(data.toString()) as { type: string }));
    try {
      await eventually(() => Promise.resolve(connected.length === 1), 'connected', 10_000);
      expect(connected[0]).toMatchObject({ clusters: { sim: { seq: expect.any(Number) as unknown } } });
      const node = t.sim.store.nodeNames()[1] as string;

      client.unsubscribe('sim');
      await eventually(
        () => Promise.resolve(raw.some((m) => m.type === 'unsubscribed')),
        'unsubscribed',
        10_000,
      );
      expect(raw.filter((m) => m.type === 'error')).toEqual([]);
      // unsubscribed: a change made now does not reach the client
      expect(
        (await t.api('POST', `/api/v1/clusters/sim/nodes/${node}/labels`, { set: { quiet: 'yes' } })).status,
      ).toBe(200);

      client.subscribe('sim');
      await eventually(
        () => Promise.resolve(raw.some((m) => m.type === 'subscribed' && m.cluster_name === 'sim')),
        'subscribed',
        10_000,
      );
      const r = await t.api('POST', `/api/v1/clusters/sim/nodes/${node}/labels`, {
        set: { team: 'original' },
      });
      expect(r.status).toBe(200);
      await eventually(
        () => Promise.resolve(updates.some((u) => u.node?.labels.team === 'original')),
        'node_update for the label change',
        10_000,
      );
      const update = updates.find((u) => u.node?.labels.team === 'original') as NodeEvent;
      expect(update).toMatchObject({ clusterName: 'sim', nodeName: node, changes: ['labels'] });
      expect(updates.some((u) => u.node?.labels.quiet === 'yes' && !('team' in u.node.labels))).toBe(false);
      expect(raw.filter((m) => m.type === 'error')).toEqual([]);
    } finally {
      ws.onclose = null; // the class reconnects on close; this test is done with it
      client.disconnect();
    }
  });
});
