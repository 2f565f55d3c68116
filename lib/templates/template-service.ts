import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Database } from '@/lib/db';
import type { TemplatesTable } from '@/lib/db/schema';
import { labelEditSchema, taintEditSchema } from '@/lib/nodes/node-edits';

const name = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'must be lowercase letters, digits and -' });

/** A named label or taint edit, applied to one node or a batch like any other edit. */
export const templateBody = z.discriminatedUnion('kind', [
  z
    .object({
      name,
      kind: z.literal('labels'),
      spec: labelEditSchema,
      description: z.string().max(500).optional(),
    })
    .strict(),
  z
    .object({
      name,
      kind: z.literal('taints'),
      spec: taintEditSchema,
      description: z.string().max(500).optional(),
    })
    .strict(),
]);
export type TemplateInput = z.infer<typeof templateBody>;
export type Template = TemplateInput & {
  id: string;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
};

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
  return {
    id: row.id,
    ...templateBody.parse({ name: row.name, kind: row.kind, spec: JSON.parse(row.spec) as unknown }),
    description: row.description ?? undefined,
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

  async create(input: TemplateInput, username: string): Promise<Template> {
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
        created_by: username,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return this.get(id);
  }

  async update(id: string, input: TemplateInput): Promise<Template> {
    const current = await this.get(id);
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

  async remove(id: string): Promise<void> {
    await this.get(id);
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
