import type { Writable } from 'node:stream';
import * as wsModule from 'ws';
import { describe, expect, it } from 'vitest';
import { wireFrame } from './ws-server';

// ws's frame parser (untyped in @types/ws): decodes what a real client would receive
const { Receiver } = wsModule as unknown as { Receiver: new (opts: { isServer: boolean }) => Writable };

function decode(wire: Buffer): Promise<{ text: string; isBinary: boolean }> {
  return new Promise((resolve, reject) => {
    const receiver = new Receiver({ isServer: false });
    receiver.on('message', (data: Buffer, isBinary: boolean) => resolve({ text: data.toString('utf8'), isBinary }));
    receiver.on('error', reject);
    receiver.write(wire);
  });
}

describe('wireFrame', () => {
  it.each([10, 125, 126, 65535, 65536, 200_000])('encodes a %i-byte text message a ws client accepts', async (size) => {
    const text = JSON.stringify({ type: 'test', data: { message: 'é'.repeat(2) + 'x'.repeat(Math.max(0, size - 40)) } });
    const wire = wireFrame(text);
    expect(wireFrame(text)).toBe(wire); // the same string is framed once
    expect(await decode(wire)).toEqual({ text, isBinary: false });
  });
});
