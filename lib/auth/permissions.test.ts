import { describe, expect, it } from 'vitest';
import { canAccessCluster, checkAccess, roleAllows, type Access } from './permissions';
import type { Principal, Role } from './types';

const p = (role: Role, scope: 'read' | 'write', clusters: Principal['clusters'] = 'all'): Principal => ({
  userId: 'u',
  username: 'u',
  role,
  via: scope === 'read' ? 'token' : 'session',
  scope,
  clusters,
});

describe('role/permission matrix', () => {
  const matrix: Array<[Role, Access, boolean]> = [
    ['viewer', 'read', true],
    ['viewer', 'account', true],
    ['viewer', 'write', false],
    ['viewer', 'admin', false],
    ['operator', 'read', true],
    ['operator', 'write', true],
    ['operator', 'admin', false],
    ['admin', 'read', true],
    ['admin', 'write', true],
    ['admin', 'admin', true],
  ];
  it.each(matrix)('%s may %s: %s', (role, access, allowed) => {
    expect(roleAllows(role, access)).toBe(allowed);
    expect(checkAccess(p(role, 'write'), access).ok).toBe(allowed);
  });

  it('a read-scoped token only reads, even for an admin', () => {
    expect(checkAccess(p('admin', 'read'), 'read').ok).toBe(true);
    const w = checkAccess(p('admin', 'read'), 'write');
    expect(w.ok).toBe(false);
    expect(!w.ok && w.reason).toMatch(/read-only/);
    expect(checkAccess(p('operator', 'read'), 'admin').ok).toBe(false);
  });

  it('account actions (own tokens, password, sessions) need a write scope, whatever the role', () => {
    expect(checkAccess(p('viewer', 'read'), 'account').ok).toBe(false);
    expect(checkAccess(p('admin', 'read'), 'account').ok).toBe(false);
    expect(checkAccess(p('viewer', 'write'), 'account').ok).toBe(true);
  });

  it('explains role denials', () => {
    const d = checkAccess(p('viewer', 'write'), 'write');
    expect(!d.ok && d.reason).toBe("role 'viewer' cannot perform write actions");
  });

  it('cluster grants', () => {
    expect(canAccessCluster(p('admin', 'write', 'all'), 'x')).toBe(true);
    expect(canAccessCluster(p('viewer', 'write', ['a']), 'a')).toBe(true);
    expect(canAccessCluster(p('viewer', 'write', ['a']), 'b')).toBe(false);
  });
});
