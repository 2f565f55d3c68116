import type { Principal, Role } from './types';

/** What a route needs: read (viewers), write (node operations: operators), admin (users, clusters, all audit). */
export type Access = 'read' | 'write' | 'admin';

const ROLE_ACCESS: Record<Role, readonly Access[]> = {
  viewer: ['read'],
  operator: ['read', 'write'],
  admin: ['read', 'write', 'admin'],
};

export const ROLES: readonly Role[] = ['admin', 'operator', 'viewer'];

export function roleAllows(role: Role, access: Access): boolean {
  return ROLE_ACCESS[role].includes(access);
}

export type AccessDecision = { ok: true } | { ok: false; reason: string };

/** Role AND token scope must both allow it: a read-scoped token of an admin can only read. */
export function checkAccess(principal: Principal, access: Access): AccessDecision {
  if (!roleAllows(principal.role, access)) {
    return { ok: false, reason: `role '${principal.role}' cannot perform ${access} actions` };
  }
  if (access !== 'read' && principal.scope === 'read') {
    return { ok: false, reason: `this API token is read-only; ${access} actions need a write-scoped token` };
  }
  return { ok: true };
}

export function canAccessCluster(principal: Principal, cluster: string): boolean {
  return principal.clusters === 'all' || principal.clusters.includes(cluster);
}
