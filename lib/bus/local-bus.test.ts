import { describe, expect, it } from 'vitest';
import { LocalBus } from './local-bus';

describe('LocalBus', () => {
  it('delivers synchronously to every subscriber, marked local; a failing handler does not stop the others', async () => {
    const warnings: string[] = [];
    const bus = new LocalBus(
      'me',
      { warn: (_o, m) => warnings.push(m ?? ''), info: () => undefined },
      () => 42,
    );
    const seen: unknown[] = [];
    bus.subscribe(() => {
      throw new Error('boom');
    });
    bus.subscribe(() => Promise.reject(new Error('async boom')));
    bus.subscribe((msg, d) => void seen.push([msg.type, d]));
    const p = bus.publish({ type: 'operation.cancel', id: 'op1' });
    expect(seen).toEqual([['operation.cancel', { from: 'me', local: true, sentAt: 42 }]]);
    await p;
    await new Promise((r) => setTimeout(r, 0));
    expect(warnings).toEqual(['bus handler failed', 'bus handler failed']);
    expect(bus.stats()).toMatchObject({ kind: 'local', connected: true, published: 1, publishFailures: 0 });
  });

  it('applies the same validation and size limit as the PostgreSQL bus', async () => {
    const bus = new LocalBus('me');
    const seen: unknown[] = [];
    bus.subscribe((m) => void seen.push(m));
    await bus.publish({ type: 'operation.cancel', id: '' });
    await bus.publish({
      type: 'push.message',
      message: { type: 'test', cluster_name: 'c', timestamp: 't', data: { message: 'x'.repeat(9000) } },
    });
    expect(seen).toEqual([]);
    expect(bus.stats().publishFailures).toBe(2);
    await bus.close();
    await bus.publish({ type: 'operation.cancel', id: 'op1' });
    expect(seen).toEqual([]);
  });
});
