import type { NodeEventMessage, ServerMessage } from '@/lib/protocol/messages';
import type { NodeChange } from '@/lib/realtime/types';

/** The SSE `id:` of a message that moves a cluster's resume point. */
export function sseEventId(cluster: string, seq: number): string {
  return `${cluster}:${seq}`;
}

/** `event:` + `data:` lines and the blank line that ends an SSE event; JSON never contains a raw newline. */
export function sseBody(type: string, json: string): string {
  return `event: ${type}\ndata: ${json}\n\n`;
}

/**
 * A message serialized at most once per transport, however many clients receive it: the JSON for
 * WebSockets and the SSE frame are both built lazily on first use and then shared.
 */
export class SharedFrame {
  private jsonText?: string;
  private sseText?: string;
  private sseBodyText?: string;

  constructor(
    readonly message: ServerMessage,
    /** set when the message moves the cluster's resume point (node events, resync) */
    readonly resume?: { cluster: string; seq: number },
  ) {}

  get type(): string {
    return this.message.type;
  }

  get json(): string {
    this.jsonText ??= JSON.stringify(this.message);
    return this.jsonText;
  }

  /** SSE event without the id line (for clients whose id must name several clusters) */
  get sseBody(): string {
    this.sseBodyText ??= sseBody(this.message.type, this.json);
    return this.sseBodyText;
  }

  /** complete SSE event, with `id: <cluster>:<seq>` when the message carries a resume point */
  get sse(): string {
    if (this.sseText === undefined) {
      this.sseText = this.resume
        ? `id: ${sseEventId(this.resume.cluster, this.resume.seq)}\n${this.sseBody}`
        : this.sseBody;
    }
    return this.sseText;
  }
}

export function nodeEventMessage(change: NodeChange): NodeEventMessage {
  return {
    type: change.type,
    cluster_name: change.cluster,
    node_name: change.name,
    seq: change.seq,
    resource_version: change.resourceVersion,
    changes: change.changes,
    data: change.node,
    timestamp: new Date(change.at).toISOString(),
  };
}

const changeFrames = new WeakMap<NodeChange, SharedFrame>();

/**
 * The frame of a node change, shared between the live broadcast and every replay of the same change
 * (the manager keeps change objects in its history, so identity is stable).
 */
export function changeFrame(change: NodeChange): SharedFrame {
  let frame = changeFrames.get(change);
  if (!frame) {
    frame = new SharedFrame(nodeEventMessage(change), { cluster: change.cluster, seq: change.seq });
    changeFrames.set(change, frame);
  }
  return frame;
}

/**
 * Parses resume points from an SSE Last-Event-ID (`a:5` or, for multi-cluster streams, `a:5,b:7`).
 * Malformed parts are ignored: a bad id only costs a resync, never an error.
 */
export function parseResumeId(id: string | null | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (!id) return out;
  for (const part of id.split(',')) {
    const at = part.lastIndexOf(':');
    if (at <= 0) continue;
    const cluster = part.slice(0, at).trim();
    const seqText = part.slice(at + 1).trim();
    if (!/^\d{1,15}$/.test(seqText) || cluster.length > 63) continue;
    out.set(cluster, Number(seqText));
  }
  return out;
}

/** `resync` for a cluster: moves the client's resume point to `seq` (the live stream continues from it). */
export function resyncFrame(cluster: string, seq: number, reason: string, timestamp: string): SharedFrame {
  return new SharedFrame(
    { type: 'resync', cluster_name: cluster, seq, timestamp, data: { reason } },
    { cluster, seq },
  );
}

/** What replaying these changes would queue for a client (their SSE frames, the larger form). */
export function replayBytes(changes: readonly NodeChange[]): number {
  let bytes = 0;
  for (const change of changes) bytes += changeFrame(change).sse.length;
  return bytes;
}
