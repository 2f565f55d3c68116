import { afterEach, describe, expect, it } from 'vitest';
import { ENGINES, openTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { TemplateService } from '@/lib/templates/template-service';

const alice = { userId: 'u-alice', username: 'alice', isAdmin: false };
const bob = { userId: 'u-bob', username: 'bob', isAdmin: false };
const root = { userId: 'u-root', username: 'root', isAdmin: true };

describe.each(ENGINES)('TemplateService on %s', (engine) => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('creates, lists, updates and deletes templates; names are unique', async () => {
    t = await openTestDatabase(engine);
    const svc = new TemplateService(t.db);
    const gpu = await svc.create({ name: 'gpu-pool', kind: 'labels', spec: { set: { pool: 'gpu' } } }, alice);
    await svc.create(
      { name: 'maintenance', kind: 'taints', spec: { add: [{ key: 'maint', effect: 'NoSchedule' }] } },
      alice,
    );
    await expect(
      svc.create({ name: 'gpu-pool', kind: 'labels', spec: { set: { a: 'b' } } }, bob),
    ).rejects.toMatchObject({ httpStatus: 409 });
    expect((await svc.list()).map((x) => x.name)).toEqual(['gpu-pool', 'maintenance']);
    const updated = await svc.update(
      gpu.id,
      { name: 'gpu-pool', kind: 'labels', spec: { set: { pool: 'gpu2' } } },
      alice,
    );
    expect(updated.spec).toEqual({ set: { pool: 'gpu2' } });
    expect(updated.createdBy).toBe('alice');
    expect(updated.ownerId).toBe('u-alice');
    await svc.remove(gpu.id, alice);
    await expect(svc.get(gpu.id)).rejects.toMatchObject({ httpStatus: 404 });
  });

  it('only the owner or an admin may change or delete a template', async () => {
    t = await openTestDatabase(engine);
    const svc = new TemplateService(t.db);
    const spec = { name: 'mine', kind: 'labels' as const, spec: { set: { team: 'a' } } };
    const tpl = await svc.create(spec, alice);
    await expect(svc.update(tpl.id, { ...spec, spec: { set: { team: 'b' } } }, bob)).rejects.toMatchObject({
      httpStatus: 403,
    });
    await expect(svc.remove(tpl.id, bob)).rejects.toMatchObject({ httpStatus: 403 });
    expect((await svc.get(tpl.id)).spec).toEqual({ set: { team: 'a' } });
    await svc.update(tpl.id, { ...spec, spec: { set: { team: 'c' } } }, root);
    await svc.remove(tpl.id, root);
    await expect(svc.get(tpl.id)).rejects.toMatchObject({ httpStatus: 404 });
  });
});
