import type { Role } from './types';

export interface OidcRoleMapping {
  groupsClaim: string;
  adminGroups: string[];
  operatorGroups: string[];
}

/** Groups from an ID-token claim that may be an array, a comma/space separated string, or absent. */
export function groupsFromClaims(claims: Record<string, unknown>, claim: string): string[] {
  const raw = claims[claim];
  if (Array.isArray(raw)) return raw.filter((g): g is string => typeof g === 'string');
  if (typeof raw === 'string') return raw.split(/[,\s]+/).filter(Boolean);
  return [];
}

/** Highest role any group grants; no matching group means viewer. */
export function roleFromGroups(groups: string[], mapping: OidcRoleMapping): Role {
  const set = new Set(groups);
  if (mapping.adminGroups.some((g) => set.has(g))) return 'admin';
  if (mapping.operatorGroups.some((g) => set.has(g))) return 'operator';
  return 'viewer';
}

/** A username valid for local storage from preferred_username, email or sub. */
export function usernameFromClaims(claims: Record<string, unknown>): string | null {
  for (const key of ['preferred_username', 'email', 'sub']) {
    const v = claims[key];
    if (typeof v === 'string' && v.trim()) {
      const cleaned = v
        .trim()
        .replace(/[^A-Za-z0-9._@-]/g, '_')
        .replace(/^[^A-Za-z0-9]+/, '')
        .slice(0, 64);
      if (cleaned) return cleaned;
    }
  }
  return null;
}
