import { afterEach, describe, expect, it } from 'vitest';
import { ENGINES, openTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { TemplateService } from '@/lib/templates/template-service';

describe.each(ENGINES)('TemplateService on %s', (engine) => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('creates, lists, updates and deletes templates; names are unique', async () => {
    t = await openTestDatabase(engine);
    const svc = new TemplateService(t.db);
    const gpu = await svc.create(
      { name: 'gpu-pool', kind: 'labels', spec: { set: { pool: 'gpu' } } },
      'alice',
    );
    await svc.create(
      { name: 'maintenance', kind: 'taints', spec: { add: [{ key: 'maint', effect: 'NoSchedule' }] } },
      'alice',
    );
    await expect(
      svc.create({ name: 'gpu-pool', kind: 'labels', spec: { set: { a: 'b' } } }, 'bob'),
    ).rejects.toMatchObject({ httpStatus: 409 });
    expect((await svc.list()).map((x) => x.name)).toEqual(['gpu-pool', 'maintenance']);
    const updated = await svc.update(gpu.id, {
      name: 'gpu-pool',
      kind: 'labels',
      spec: { set: { pool: 'gpu2' } },
    });
    expect(updated.spec).toEqual({ set: { pool: 'gpu2' } });
    expect(updated.createdBy).toBe('alice');
    await svc.remove(gpu.id);
    await expect(svc.get(gpu.id)).rejects.toMatchObject({ httpStatus: 404 });
  });
});
