import { WebSocket } from 'ws';
import type { KObj } from '@/lib/sim';

/** What a light client keeps per node, and what the simulator is compared with. */
export interface NodeView {
  labels: Record<string, string>;
  taints: string[];
  unschedulable: boolean;
  ready: string;
}

type Summary = {
  name: string;
  resourceVersion: string;
  labels: Record<string, string>;
  taints: Array<{ key: string; value?: string; effect: string }>;
  unschedulable: boolean;
  status: string;
};

const taintText = (t: { key: string; value?: string; effect: string }) =>
  `${t.key}=${t.value ?? ''}:${t.effect}`;

function viewOfSummary(s: Summary): NodeView {
  return {
    labels: s.labels,
    taints: s.taints.map(taintText).sort(),
    unschedulable: s.unschedulable,
    ready: s.status,
  };
}

/** The same view, straight from the simulator's store (the ground truth). */
export function viewOfSimNode(n: KObj): NodeView {
  const spec = (n.spec ?? {}) as {
    unschedulable?: boolean;
    taints?: Array<{ key: string; value?: string; effect: string }>;
  };
  const conds = (
    (n.status as { conditions?: Array<{ type: string; status: string }> })?.conditions ?? []
  ).find((c) => c.type === 'Ready');
  return {
    labels: n.metadata.labels ?? {},
    taints: (spec.taints ?? []).map(taintText).sort(),
    unschedulable: spec.unschedulable === true,
    ready: conds?.status === 'True' ? 'Ready' : conds?.status === 'False' ? 'NotReady' : 'Unknown',
  };
}

export interface LightClientOptions {
  cluster: string;
  token: string;
  /** a live replica's base URL, other than `exclude` when possible */
  pick: (exclude?: string) => string;
}

/**
 * A browser-like push client with the protocol's rules and nothing else: list + subscribe from the
 * list's seq on the same replica; apply node events in seq order; on `resync` refetch from that
 * replica and resubscribe; when the socket closes, reconnect to another replica with the last seq.
 * A jump in seq outside a resync is recorded as a gap: a change missed without being told.
 */
export class LightClient {
  readonly nodes = new Map<string, NodeView>();
  readonly stats = { lists: 0, resyncs: 0, reconnects: 0, applied: 0 };
  readonly gaps: string[] = [];
  replica?: string;
  /** per node, the resourceVersion held: the simulator's are integers, so a step back is a stale event */
  private readonly versions = new Map<string, number>();
  /** a connection after a reconnect, until its subscription is answered */
  private resuming = false;
  /** from a list until the subscription that follows it is acknowledged */
  private afterList = false;
  private sawResync = false;
  private last?: number;
  private resyncing = false;
  private awaitingAck = false;
  private ws?: WebSocket;
  private stopped = false;

  constructor(private readonly opts: LightClientOptions) {}

  async start(): Promise<void> {
    const url = this.opts.pick();
    await this.list(url);
    this.connect(url);
  }

  stop(): void {
    this.stopped = true;
    this.ws?.terminate();
  }

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN && !this.resyncing && !this.awaitingAck;
  }

  private async list(url: string): Promise<void> {
    const res = await fetch(`${url}/api/v1/clusters/${this.opts.cluster}/nodes`, {
      headers: { authorization: `Bearer ${this.opts.token}` },
    });
    if (res.status !== 200) throw new Error(`list from ${url}: HTTP ${res.status}`);
    const body = (await res.json()) as { seq: number; items: Summary[] };
    this.nodes.clear();
    this.versions.clear();
    for (const s of body.items) {
      this.nodes.set(s.name, viewOfSummary(s));
      this.versions.set(s.name, Number(s.resourceVersion));
    }
    this.last = body.seq;
    this.afterList = true;
    this.stats.lists++;
  }

  private connect(url: string): void {
    if (this.stopped) return;
    this.replica = url;
    const since = this.last === undefined ? '' : `&since=${this.last}`;
    const ws = new WebSocket(
      `${url.replace(/^http/, 'ws')}/api/v1/ws/nodes?cluster=${this.opts.cluster}${since}`,
      {
        headers: { authorization: `Bearer ${this.opts.token}` },
      },
    );
    this.resuming = this.ws !== undefined;
    this.sawResync = false;
    this.ws = ws;
    this.resyncing = false;
    this.awaitingAck = false;
    ws.on('message', (data) =>
      this.onMessage(ws, url, JSON.parse((data as Buffer).toString()) as Record<string, unknown>),
    );
    ws.on('error', () => undefined);
    ws.on('close', () => {
      if (this.stopped || this.ws !== ws) return;
      this.stats.reconnects++;
      // like a browser: a short pause, then another replica behind the "load balancer"
      setTimeout(() => this.connect(this.opts.pick(url)), 50 + Math.random() * 250);
    });
  }

  private onMessage(ws: WebSocket, url: string, m: Record<string, unknown>): void {
    if (ws !== this.ws) return;
    switch (m.type) {
      case 'node_add':
      case 'node_update':
      case 'node_delete': {
        if (this.resyncing) return;
        const seq = m.seq as number;
        if (this.last !== undefined && seq <= this.last) return;
        if (this.last !== undefined && seq > this.last + 1) {
          // during a resubscribe the replay will bring the skipped ones, in order
          if (this.awaitingAck) return;
          this.gaps.push(`${url}: seq ${this.last} -> ${seq}`);
        }
        const name = m.node_name as string;
        const rv = Number(m.resource_version);
        if (rv < (this.versions.get(name) ?? 0)) {
          // a list is taken after its seq is read, so the replay that follows it may repeat older
          // versions: skip those, as the browser does; anywhere else an older version is a wrong replay
          if (this.awaitingAck || this.afterList) {
            this.last = seq;
            return;
          }
          this.gaps.push(`${url}: stale ${name} ${rv}`);
        }
        if (m.type === 'node_delete') {
          this.nodes.delete(name);
          this.versions.delete(name);
        } else {
          this.nodes.set(name, viewOfSummary(m.data as Summary));
          this.versions.set(name, rv);
        }
        this.last = seq;
        this.stats.applied++;
        return;
      }
      case 'resync':
        this.sawResync = true;
        this.stats.resyncs++;
        this.resyncing = true;
        this.awaitingAck = false;
        this.list(url).then(
          () => {
            if (ws !== this.ws || ws.readyState !== WebSocket.OPEN) return;
            this.resyncing = false;
            this.awaitingAck = true;
            ws.send(
              JSON.stringify({ type: 'subscribe', data: { cluster: this.opts.cluster, since: this.last } }),
            );
          },
          // the replica is going away: its socket closes too, and the reconnect resyncs elsewhere
          () => ws.terminate(),
        );
        return;
      case 'subscribed':
        // another replica's history cannot continue this one's: a resumed reconnect must be told to resync
        if (this.resuming && !this.sawResync) this.gaps.push(`${url}: resumed from another replica's seq`);
        this.resuming = false;
        if (!this.resyncing) this.afterList = false;
        // the ack of our resubscribe (not a stale one of the URL subscription the resync answered)
        if (this.awaitingAck && (m.seq as number) >= (this.last ?? 0)) this.awaitingAck = false;
        return;
    }
  }
}
