import type { Duplex, Writable } from 'node:stream';
import * as wsModule from 'ws';
import { describe, expect, it } from 'vitest';
import { FrameBatcher, wireFrame, type BatchTarget } from './ws-batch';

// ws's frame parser (untyped in @types/ws): decodes what a real client would receive
const { Receiver } = wsModule as unknown as { Receiver: new (opts: { isServer: boolean }) => Writable };

function decode(wire: Buffer): Promise<{ text: string; isBinary: boolean }> {
  return new Promise((resolve, reject) => {
    const receiver = new Receiver({ isServer: false });
    receiver.on('message', (data: Buffer, isBinary: boolean) =>
      resolve({ text: data.toString('utf8'), isBinary }),
    );
    receiver.on('error', reject);
    receiver.write(wire);
  });
}

describe('wireFrame', () => {
  it.each([10, 125, 126, 65535, 65536, 200_000])(
    'encodes a %i-byte text message a ws client accepts',
    async (size) => {
      const text = JSON.stringify({
        type: 'test',
        data: { message: 'é'.repeat(2) + 'x'.repeat(Math.max(0, size - 40)) },
      });
      const wire = wireFrame(text);
      expect(wireFrame(text)).toBe(wire); // the same string is framed once
      expect(await decode(wire)).toEqual({ text, isBinary: false });
    },
  );
});

describe('FrameBatcher', () => {
  function target(writable = true) {
    const writes: Buffer[] = [];
    const socket = { write: (b: Buffer) => writes.push(b) } as unknown as Duplex;
    return { t: { socket, writable: () => writable, pending: null, pendingBytes: 0 } as BatchTarget, writes };
  }

  it('writes each socket once per turn, sharing one joined buffer between identical queues', async () => {
    const batcher = new FrameBatcher();
    const [a, b, c, closing] = [target(), target(), target(), target(false)];
    const f1 = wireFrame('{"type":"ping","timestamp":"1"}');
    const f2 = wireFrame('{"type":"ping","timestamp":"2"}');
    for (const x of [a, b, closing]) {
      batcher.add(x.t, f1);
      batcher.add(x.t, f2);
    }
    batcher.add(c.t, f2);
    expect(a.t.pendingBytes).toBe(f1.length + f2.length);
    expect(a.writes).toHaveLength(0);
    await new Promise((r) => setImmediate(r));
    expect(a.writes).toHaveLength(1);
    expect(a.writes[0]).toBe(b.writes[0]); // joined once
    expect(Buffer.concat([f1, f2]).equals(a.writes[0]!)).toBe(true);
    expect(c.writes).toEqual([f2]);
    expect(closing.writes).toHaveLength(0);
    expect(a.t.pending).toBeNull();
    expect(a.t.pendingBytes).toBe(0);
  });

  it('flushOne writes a queue early, or discards it', () => {
    const batcher = new FrameBatcher();
    const [a, b] = [target(), target()];
    const f = wireFrame('{"type":"shutdown","timestamp":"x"}');
    batcher.add(a.t, f);
    batcher.add(b.t, f);
    batcher.flushOne(a.t);
    batcher.flushOne(b.t, true);
    batcher.flush();
    expect(a.writes).toEqual([f]);
    expect(b.writes).toHaveLength(0);
  });
});
