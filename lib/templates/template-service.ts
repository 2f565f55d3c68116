import { randomUUID } from 'node:crypto';
import type { Database } from '@/lib/db';
import type { TemplatesTable } from '@/lib/db/schema';
import { templateBody, type TemplateInput } from './template-schemas';

export { templateBody, type TemplateInput } from './template-schemas';

export type Template = TemplateInput & {
  id: string;
  /** user id of the owner; null for a template whose creator no longer exists (admins only) */
  ownerId: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
};

/** Who is changing a template: its owner or an admin may. */
export interface TemplateActor {
  userId: string;
  username: string;
  isAdmin: boolean;
}

/** Typed failure the route toolkit maps by shape (httpStatus + code). */
export class TemplateError extends Error {
  override name = 'TemplateError';
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function toTemplate(row: TemplatesTable): Template {
  // Rows written before templates had owners may carry a stored confirmSystem: it never counts.
  const { confirmSystem: _ignored, ...spec } = JSON.parse(row.spec) as Record<string, unknown>;
  return {
    id: row.id,
    ...templateBody.parse({ name: row.name, kind: row.kind, spec }),
    description: row.description ?? undefined,
    ownerId: row.owner_id,
    createdBy: row.created_by,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
  };
}

export class TemplateService {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  async list(): Promise<Template[]> {
    const rows = await this.db.kysely.selectFrom('templates').selectAll().orderBy('name').execute();
    return rows.map(toTemplate);
  }

  async get(id: string): Promise<Template> {
    const row = await this.db.kysely
      .selectFrom('templates')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new TemplateError(404, 'not_found', `template ${id} not found`);
    return toTemplate(row);
  }

  async create(input: TemplateInput, owner: Pick<TemplateActor, 'userId' | 'username'>): Promise<Template> {
    await this.assertNameFree(input.name);
    const now = this.now();
    const id = randomUUID();
    await this.db.kysely
      .insertInto('templates')
      .values({
        id,
        name: input.name,
        kind: input.kind,
        spec: JSON.stringify(input.spec),
        description: input.description ?? null,
        created_by: owner.username,
        owner_id: owner.userId,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return this.get(id);
  }

  async update(id: string, input: TemplateInput, actor: TemplateActor): Promise<Template> {
    const current = await this.get(id);
    assertMayChange(current, actor);
    if (current.name !== input.name) await this.assertNameFree(input.name);
    await this.db.kysely
      .updateTable('templates')
      .set({
        name: input.name,
        kind: input.kind,
        spec: JSON.stringify(input.spec),
        description: input.description ?? null,
        updated_at: this.now(),
      })
      .where('id', '=', id)
      .execute();
    return this.get(id);
  }

  async remove(id: string, actor: TemplateActor): Promise<void> {
    assertMayChange(await this.get(id), actor);
    await this.db.kysely.deleteFrom('templates').where('id', '=', id).execute();
  }

  private async assertNameFree(templateName: string) {
    const taken = await this.db.kysely
      .selectFrom('templates')
      .select('id')
      .where('name', '=', templateName)
      .executeTakeFirst();
    if (taken) throw new TemplateError(409, 'conflict', `a template named ${templateName} exists`);
  }
}

function assertMayChange(t: Template, actor: TemplateActor): void {
  if (actor.isAdmin || (t.ownerId !== null && t.ownerId === actor.userId)) return;
  throw new TemplateError(
    403,
    'forbidden',
    `template ${t.name} belongs to ${t.createdBy ?? 'another user'}; only its owner or an admin may change it`,
  );
}
