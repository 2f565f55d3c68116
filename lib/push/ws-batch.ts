import type { Duplex } from 'node:stream';

let lastFrame: string | undefined;
let lastWire: Buffer = Buffer.alloc(0);

/**
 * A complete unmasked WebSocket text frame (FIN + opcode 1) for a message. Server frames are never
 * masked and compression is off, so the same bytes are valid on every connection: the hub hands one
 * frame string to many sockets in a row and it is framed and UTF-8 encoded once for all of them.
 */
export function wireFrame(frame: string): Buffer {
  if (frame === lastFrame) return lastWire;
  const payload = Buffer.from(frame, 'utf8');
  const n = payload.length;
  const headerLength = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const wire = Buffer.allocUnsafe(headerLength + n);
  wire[0] = 0x81;
  if (n < 126) wire[1] = n;
  else if (n < 65536) {
    wire[1] = 126;
    wire.writeUInt16BE(n, 2);
  } else {
    wire[1] = 127;
    wire.writeUInt32BE(Math.floor(n / 2 ** 32), 2);
    wire.writeUInt32BE(n >>> 0, 6);
  }
  payload.copy(wire, headerLength);
  lastFrame = frame;
  lastWire = wire;
  return wire;
}

export interface BatchTarget {
  socket: Duplex;
  /** false once the WebSocket is closing: queued frames must not follow the close frame */
  writable(): boolean;
  pending: Buffer[] | null;
  pendingBytes: number;
}

function sameFrames(a: Buffer[], b: Buffer[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Queues frames per socket and writes them once per event-loop turn (setImmediate). Sockets that
 * got the same frames in the same order (every subscriber of a cluster, usually) share one joined
 * buffer, so a burst of changes costs one write per socket, not one per change per socket.
 */
export class FrameBatcher {
  private queued: BatchTarget[] = [];
  private scheduled = false;

  add(target: BatchTarget, wire: Buffer): void {
    target.pendingBytes += wire.length;
    if (target.pending) {
      target.pending.push(wire);
      return;
    }
    target.pending = [wire];
    this.queued.push(target);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Writes one target's queue now (before its close frame, say); drops it when `discard`. */
  flushOne(target: BatchTarget, discard = false): void {
    const frames = target.pending;
    target.pending = null;
    target.pendingBytes = 0;
    if (!frames || discard || !target.writable()) return;
    target.socket.write(frames.length === 1 ? frames[0]! : Buffer.concat(frames));
  }

  flush(): void {
    this.scheduled = false;
    const targets = this.queued;
    this.queued = [];
    let prev: Buffer[] | null = null;
    let joined: Buffer | null = null;
    for (const target of targets) {
      const frames = target.pending;
      target.pending = null;
      target.pendingBytes = 0;
      if (!frames || !target.writable()) continue;
      if (frames.length === 1) {
        target.socket.write(frames[0]!);
        continue;
      }
      if (!prev || !joined || !sameFrames(prev, frames)) {
        prev = frames;
        joined = Buffer.concat(frames);
      }
      target.socket.write(joined);
    }
  }
}
