import { describe, expect, it, vi } from 'vitest';
import { createShutdown } from './shutdown';

describe('createShutdown', () => {
  it('runs steps in order once, survives a failing step, exits 0', async () => {
    const order: string[] = [];
    const exit = vi.fn();
    const shutdown = createShutdown({
      steps: [
        { name: 'a', run: () => void order.push('a') },
        { name: 'b', run: () => Promise.reject(new Error('boom')) },
        { name: 'c', run: () => Promise.resolve().then(() => void order.push('c')) },
      ],
      log: () => undefined,
      exit,
    });
    await Promise.all([shutdown('SIGTERM'), shutdown('SIGINT')]);
    expect(order).toEqual(['a', 'c']);
    expect(exit).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('exits 1 when a step hangs past the deadline', async () => {
    vi.useFakeTimers();
    const exit = vi.fn();
    const shutdown = createShutdown({
      steps: [{ name: 'hang', run: () => new Promise(() => undefined) }],
      timeoutMs: 50,
      log: () => undefined,
      exit,
    });
    void shutdown('SIGTERM');
    await vi.advanceTimersByTimeAsync(60);
    expect(exit).toHaveBeenCalledWith(1);
    vi.useRealTimers();
  });
});
