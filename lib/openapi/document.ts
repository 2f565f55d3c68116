import { z } from 'zod';
import { apiErrorSchema } from '@/lib/protocol/api';
import { routeTable } from './routes';

const json = (schema: z.ZodType) => ({
  'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) },
});

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of routeTable.filter((r) => !r.hidden)) {
    const pathParams = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const queryParams =
      op.query instanceof z.ZodObject
        ? Object.entries(op.query.shape).map(([name, s]) => ({
            name,
            in: 'query',
            required: !(s as z.ZodType).safeParse(undefined).success,
            schema: { type: 'string' },
          }))
        : [];
    paths[op.path] ??= {};
    paths[op.path]![op.method] = {
      summary: op.summary,
      description:
        op.role === 'public'
          ? 'No credentials needed.'
          : `Least role: ${op.role}; API tokens need ${op.scope} scope${op.sessionOnly ? '; browser session only' : ''}.`,
      parameters: [...pathParams, ...queryParams],
      ...(op.body
        ? {
            requestBody: {
              required: op.method !== 'post' || !op.body.safeParse(undefined).success,
              content: json(op.body),
            },
          }
        : {}),
      responses: {
        [String(op.status ?? 200)]: {
          description: 'OK',
          ...(op.response ? { content: json(op.response) } : {}),
        },
        default: { description: 'Error', content: json(apiErrorSchema) },
      },
      security:
        op.role === 'public' ? [] : op.sessionOnly ? [{ session: [] }] : [{ session: [] }, { bearer: [] }],
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Kube Node Manager API', version: '1' },
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'next-auth.session-token' },
        bearer: { type: 'http', scheme: 'bearer', description: 'API token (knm_…)' },
      },
    },
    paths,
  };
}
