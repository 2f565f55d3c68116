import { describe, expect, it } from 'vitest';
import type { AppContext } from './app-context';
import { readiness } from './readiness';

const ctx = (states: string[], shuttingDown = false) =>
  ({
    instanceId: 'i',
    shuttingDown,
    db: { dialect: 'sqlite', ping: () => Promise.resolve(true) },
    manager: { statuses: () => states.map((state, i) => ({ name: `c${i}`, state })) },
  }) as unknown as Pick<AppContext, 'db' | 'manager' | 'instanceId' | 'shuttingDown'>;

describe('readiness', () => {
  it('waits for every cluster to finish its first sync', async () => {
    expect((await readiness(ctx(['ready', 'syncing']))).ready).toBe(false);
    expect((await readiness(ctx(['ready', 'ready']))).ready).toBe(true);
    expect((await readiness(ctx([]))).ready).toBe(true);
  });

  it('stays ready with one unreachable cluster among others, naming it', async () => {
    const r = await readiness(ctx(['ready', 'degraded']));
    expect(r.ready).toBe(true);
    expect(r.clusters[1]).toMatchObject({ name: 'c1', state: 'degraded' });
  });

  it('is not ready once shutdown began, so the Service stops routing to it', async () => {
    expect((await readiness(ctx(['ready'], true))).ready).toBe(false);
  });
});
