import { describe, expect, it } from 'vitest';
import { applyWindowMessage, type WindowState } from '@/lib/client/window-state';
import { serverMessageSchema, type ServerMessage } from '@/lib/protocol/messages';
import { formatNodeQuery, nodeQuery, nodeSortColumns, type NodeQuery } from '@/lib/protocol/node-query';
import type { NodeStatus } from '@/lib/protocol/node-summary';
import { evaluateNodeQuery } from '@/lib/shared/node-query';
import { toNodeRow } from '@/lib/shared/node-row';
import { rawNode } from '@/lib/realtime/testing/node-fixture';
import { PushHub } from './hub';
import { CacheSource } from './testing/cache-source';
import { RecordingClient, principal } from './testing/fake-client';

/**
 * Property test of live windowed queries: random churn on a real SmartCache and random queries and
 * windows. After every change, each window a client holds (snapshot + applied diffs) equals a fresh
 * evaluation of its query on the cache and the cache's own windowed read; the same holds for a
 * client that was cut off, reconnected and asked for its windows again.
 */
function prng(seed: number) {
  return (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
}

class Browser {
  readonly windows = new Map<string, WindowState>();
  readonly wanted = new Map<string, { query: NodeQuery; offset: number; limit: number }>();
  private read = 0;
  gaps = 0;
  /** windows that lost a diff and have not had a message since (they cannot know yet) */
  readonly dropped = new Set<string>();

  constructor(
    readonly hub: PushHub,
    public client: RecordingClient,
  ) {
    hub.connect(client);
  }

  open(id: string, query: NodeQuery, offset: number, limit: number): void {
    this.wanted.set(id, { query, offset, limit });
    this.hub.handleClientMessage(this.client.id, {
      type: 'window',
      data: { id, cluster: 'c', query: formatNodeQuery(query), offset, limit },
    });
  }

  /** Applies every new frame the way the browser does; `drop` loses one diff (a missed message). */
  pump(drop = false): void {
    const frames = this.client.frames;
    for (; this.read < frames.length; this.read++) {
      const msg: ServerMessage = serverMessageSchema.parse(JSON.parse(frames[this.read] as string));
      if (msg.type === 'error') throw new Error(`server error: ${msg.data.message}`);
      if (msg.type !== 'window_snapshot' && msg.type !== 'window_diff') continue;
      if (drop && msg.type === 'window_diff') {
        drop = false;
        this.dropped.add(msg.data.id);
        continue;
      }
      this.dropped.delete(msg.data.id);
      const r = applyWindowMessage(this.windows.get(msg.data.id), msg);
      if (r.ok) this.windows.set(msg.data.id, r.state);
      else {
        // the resync rule: a diff that does not follow what we hold means ask for the window again
        this.gaps++;
        const w = this.wanted.get(msg.data.id)!;
        this.open(msg.data.id, w.query, w.offset, w.limit);
      }
    }
  }

  /** Cuts the connection and comes back on a new one, asking for the same windows. */
  reconnect(id: string): void {
    this.hub.disconnect(this.client.id);
    this.client = new RecordingClient(id, principal());
    this.read = 0;
    this.windows.clear();
    this.hub.connect(this.client);
    for (const [wid, w] of this.wanted) this.open(wid, w.query, w.offset, w.limit);
  }
}

function randomQuery(rnd: (n: number) => number): NodeQuery {
  const statuses: NodeStatus[] = ['Ready', 'NotReady', 'Unknown'];
  return nodeQuery({
    sort: nodeSortColumns[rnd(nodeSortColumns.length)],
    dir: rnd(2) ? 'asc' : 'desc',
    labelSelector: ['', '', 'zone=a', 'zone in (a,b)', '!gpu'][rnd(5)],
    status: rnd(4) === 0 ? [statuses[rnd(3)] as NodeStatus] : [],
    schedulable: [null, null, true, false][rnd(4)] ?? null,
    taint: ['', '', 'tainted', 'gpu:NoSchedule'][rnd(4)],
    text: ['', '', 'n1', '10.0.'][rnd(4)],
    role: ['', '', 'worker'][rnd(3)],
  });
}

function churn(src: CacheSource, rnd: (n: number) => number, step: number): void {
  const name = `n${rnd(120)}`;
  const op = rnd(10);
  if (op === 0) src.run((c) => c.deleteNode(name));
  else if (op <= 2)
    src.run((c) =>
      c.setPodStats(name, {
        count: rnd(60),
        cpuRequestsMilli: rnd(8000),
        memoryRequestsBytes: rnd(2 ** 34),
        phases: {},
      }),
    );
  else
    src.run((c) =>
      c.upsertNode(
        rawNode({
          name,
          rv: 10 + step,
          ready: (['True', 'False', 'Unknown'] as const)[rnd(3)],
          unschedulable: rnd(3) === 0,
          labels: {
            zone: ['a', 'b', 'c'][rnd(3)] as string,
            ...(rnd(4) === 0 ? { gpu: 'yes' } : {}),
            ...(rnd(2) ? { 'node-role.kubernetes.io/worker': '' } : {}),
          },
          taints: rnd(4) === 0 ? [{ key: 'gpu', effect: 'NoSchedule' }] : undefined,
          cpu: String(1 + rnd(16)),
          kubelet: `v1.${rnd(35)}.${rnd(3)}`,
          ip: `10.0.${rnd(4)}.${rnd(250)}`,
          created: `2025-0${1 + rnd(9)}-1${rnd(9)}T00:00:00Z`,
        }),
      ),
    );
}

function expectInSync(src: CacheSource, browser: Browser, label: string): void {
  const all = src.cache.listNodes(nodeQuery()).items;
  for (const [id, w] of browser.wanted) {
    const fresh = evaluateNodeQuery(all, w.query, { offset: w.offset, limit: w.limit });
    const cached = src.cache.listNodes(w.query, { offset: w.offset, limit: w.limit });
    const held = browser.windows.get(id);
    expect(
      cached.items.map((n) => n.name),
      `${label} ${id} cache vs fresh`,
    ).toEqual(fresh.items.map((n) => n.name));
    expect(held?.rows, `${label} ${id} held vs fresh (${formatNodeQuery(w.query)})`).toEqual(
      fresh.items.map(toNodeRow),
    );
    expect(held?.total, `${label} ${id} total`).toBe(fresh.total);
    // the seq of the window's last message: changes that do not touch a window send it nothing
    expect(held!.seq, `${label} ${id} seq`).toBeLessThanOrEqual(src.cache.seq);
  }
}

describe('live windowed queries', () => {
  it('windows equal a fresh evaluation and the client copy after random churn, scrolling and re-queries', () => {
    for (const seed of [1, 2, 3]) {
      const rnd = prng(seed);
      const src = new CacheSource();
      for (let i = 0; i < 80; i++) churn(src, rnd, 0);
      const hub = new PushHub({ source: src });
      const browsers = [0, 1, 2].map((i) => new Browser(hub, new RecordingClient(`b${i}`, principal())));
      for (const b of browsers)
        for (let w = 0; w < 3; w++) b.open(`w${w}`, randomQuery(rnd), rnd(40), 1 + rnd(30));
      const earlier = new Map<Browser, NodeQuery>();
      for (let step = 1; step <= 400; step++) {
        churn(src, rnd, step);
        const b = browsers[rnd(3)] as Browser;
        if (rnd(25) === 0) {
          const w = b.wanted.get('w0')!;
          b.open('w0', w.query, rnd(60), w.limit); // scroll
        } else if (rnd(40) === 0) {
          // new filter/sort; the old query's view stays idle (still maintained) and may come back
          const old = b.wanted.get('w1')!;
          b.open(
            'w1',
            rnd(3) === 0 && earlier.has(b) ? earlier.get(b)! : randomQuery(rnd),
            rnd(20),
            1 + rnd(30),
          );
          earlier.set(b, old.query);
        } else if (rnd(30) === 0) {
          // the other direction: the same view, read from the other end
          const w = b.wanted.get('w2')!;
          b.open('w2', { ...w.query, dir: w.query.dir === 'asc' ? 'desc' : 'asc' }, w.offset, w.limit);
        }
        for (const x of browsers) x.pump();
        for (const x of browsers) expectInSync(src, x, `seed ${seed} step ${step}`);
      }
      expect(hub.windows.stats().diffsSent).toBeGreaterThan(100);
      hub.dispose();
    }
  }, 60_000); // CPU-bound: on a loaded 2-core CI machine it takes several seconds

  it('a client cut off during churn, or missing one diff, is equal again after asking for its windows', () => {
    const rnd = prng(9);
    const src = new CacheSource();
    for (let i = 0; i < 80; i++) churn(src, rnd, 0);
    const hub = new PushHub({ source: src });
    const b = new Browser(hub, new RecordingClient('first', principal()));
    for (let w = 0; w < 4; w++) b.open(`w${w}`, randomQuery(rnd), rnd(30), 1 + rnd(30));
    b.pump();
    for (let round = 0; round < 20; round++) {
      hub.disconnect(b.client.id); // cut: changes go on without this client
      for (let i = 0; i < 15; i++) churn(src, rnd, 1000 + round * 20 + i);
      b.reconnect(`again-${round}`);
      b.pump();
      expectInSync(src, b, `after resume ${round}`);
      for (let i = 0; i < 10; i++) {
        churn(src, rnd, 2000 + round * 20 + i);
        b.pump(i === 3); // one diff lost in transit
      }
      // a lost diff shows at the window's next message; churn until every such window had one
      for (let i = 0; b.dropped.size > 0 && i < 1000; i++) {
        churn(src, rnd, 3000 + round * 1000 + i);
        b.pump();
      }
      expectInSync(src, b, `after gap ${round}`);
    }
    expect(b.gaps).toBeGreaterThan(0);
    hub.dispose();
  }, 60_000); // CPU-bound: on a loaded 2-core CI machine it takes several seconds

  it('answers bad queries, unknown windows and too many windows with errors naming the problem', () => {
    const src = new CacheSource();
    const hub = new PushHub({ source: src });
    const c = new RecordingClient('x', principal());
    hub.connect(c);
    const send = (query: string, id = 'w') =>
      hub.handleClientMessage('x', {
        type: 'window',
        data: { id, cluster: 'c', query, offset: 0, limit: 10 },
      });
    send('labelSelector=a%20in%20(');
    send('sort=colour');
    hub.handleClientMessage('x', { type: 'window_close', data: { id: 'nope' } });
    for (let i = 0; i < 17; i++) send('', `w${i}`);
    const errors = c.messages().filter((m) => m.type === 'error');
    expect(errors.map((m) => (m.data as { code: string }).code)).toEqual([
      'bad_query',
      'bad_query',
      'unknown_window',
      'too_many_windows',
    ]);
    expect(JSON.stringify(errors[0])).toContain('labelSelector');
    hub.dispose();
  });
});
