import { roles, type TokenScope } from '@/lib/protocol/names';
import type { Principal, Role } from './types';

/**
 * What a route needs. read: any role, any token (viewers). account: any role acting on their own
 * account, write-scoped (tokens, own password, own sessions). write: operators' node operations.
 * admin-read: admins reading users and push statistics (a read-scoped token will do). admin:
 * admins changing users and clusters.
 */
export type Access = 'read' | 'account' | 'write' | 'admin-read' | 'admin';
export type { TokenScope };

export const ROLES: readonly Role[] = roles;
const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** The least role and the token scope each access level needs: the route table states both per route. */
export const ACCESS_REQUIREMENTS: Record<Access, { role: Role; scope: TokenScope }> = {
  read: { role: 'viewer', scope: 'read' },
  account: { role: 'viewer', scope: 'write' },
  write: { role: 'operator', scope: 'write' },
  'admin-read': { role: 'admin', scope: 'read' },
  admin: { role: 'admin', scope: 'write' },
};

export function roleAllows(role: Role, access: Access): boolean {
  return RANK[role] >= RANK[ACCESS_REQUIREMENTS[access].role];
}

export type AccessDecision = { ok: true } | { ok: false; reason: string };

/** Role AND token scope must both allow it: a read-scoped token of an admin can only read. */
export function checkAccess(principal: Principal, access: Access): AccessDecision {
  if (!roleAllows(principal.role, access)) {
    return { ok: false, reason: `role '${principal.role}' cannot perform ${access} actions` };
  }
  if (ACCESS_REQUIREMENTS[access].scope === 'write' && principal.scope === 'read') {
    return { ok: false, reason: `this API token is read-only; ${access} actions need a write-scoped token` };
  }
  return { ok: true };
}

export function canAccessCluster(principal: Principal, cluster: string): boolean {
  return principal.clusters === 'all' || principal.clusters.includes(cluster);
}
