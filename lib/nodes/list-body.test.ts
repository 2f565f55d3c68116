import { describe, expect, it } from 'vitest';
import type { NodeListResponse } from '@/lib/protocol/api';
import type { NodeSummary } from '@/lib/protocol/node-summary';
import { bodyStream, listBody, nodeBytes } from './list-body';

const node = (name: string) =>
  ({ name, labels: { 'a"b': 'c\nd', é: 'ü' }, taints: [] }) as unknown as NodeSummary;

describe('listBody', () => {
  it('is byte-identical to JSON.stringify, reuses per-node bytes and streams in chunks', async () => {
    const items = Array.from({ length: 300 }, (_, i) => node(`n${i}`));
    const list: NodeListResponse = { cluster: 'c', seq: 3, source: 'cache', synced: true, total: 300, items };
    const body = listBody(list);
    const expected = JSON.stringify(list);
    expect(Buffer.concat(body.pieces).toString()).toBe(expected);
    expect(body.length).toBe(Buffer.byteLength(expected));
    expect(listBody(list).pieces[1]).toBe(body.pieces[1]);
    expect(nodeBytes(items[0]!).toString()).toBe(JSON.stringify(items[0]));
    const chunks: Uint8Array[] = [];
    const reader = bodyStream(body, 1024).getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
    expect(chunks.length).toBeGreaterThan(5);
    expect(Buffer.concat(chunks).toString()).toBe(expected);
    // a second stream of the same body reuses the joined chunks
    const again: Uint8Array[] = [];
    const r2 = bodyStream(body, 1024).getReader();
    for (let r = await r2.read(); !r.done; r = await r2.read()) again.push(r.value);
    expect(again).toHaveLength(chunks.length);
    again.forEach((c, i) => expect(c).toBe(chunks[i]));
    const empty = { ...list, items: [], total: 0 };
    expect(Buffer.concat(listBody(empty).pieces).toString()).toBe(JSON.stringify(empty));
  });
});
