import type { z } from 'zod';
import type { TokenScope } from '@/lib/auth/permissions';
import type { Role } from '@/lib/auth/types';

/**
 * One row of the route table: every HTTP route the app serves, with the least role and the
 * token scope it needs. The OpenAPI document is built from it, a unit test checks it against
 * the route files under app/api (a file without a row, or a row without a file, fails), and
 * the integration authz matrix calls every row as every kind of caller.
 */
export interface RouteRow {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  /** least role; 'public' needs no credentials */
  role: 'public' | Role;
  /** token scope a bearer token needs; sessions always carry write. null for public routes */
  scope: TokenScope | null;
  /** where the cluster the caller must be granted comes from, when the route acts on one */
  cluster?: 'path' | 'query' | 'body' | 'operation';
  /** refused for API tokens: only a signed-in browser session may call it */
  sessionOnly?: true;
  /** the WebSocket upgrade: served by server.ts, not by a route file */
  upgrade?: true;
  /** not in the OpenAPI document (next-auth's own endpoints) */
  hidden?: true;
  query?: z.ZodType;
  body?: z.ZodType;
  response?: z.ZodType;
  status?: number;
}
