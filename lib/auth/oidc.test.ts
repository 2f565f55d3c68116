import { describe, expect, it } from 'vitest';
import { groupsFromClaims, roleFromGroups, usernameFromClaims } from './oidc';

const mapping = { groupsClaim: 'groups', adminGroups: ['k8s-admins'], operatorGroups: ['sre', 'oncall'] };

describe('OIDC claim mapping', () => {
  it('maps groups to the highest role', () => {
    expect(roleFromGroups(['dev', 'k8s-admins', 'sre'], mapping)).toBe('admin');
    expect(roleFromGroups(['oncall'], mapping)).toBe('operator');
    expect(roleFromGroups(['dev'], mapping)).toBe('viewer');
    expect(roleFromGroups([], mapping)).toBe('viewer');
  });

  it('reads array, string and missing group claims', () => {
    expect(groupsFromClaims({ groups: ['a', 1, 'b'] }, 'groups')).toEqual(['a', 'b']);
    expect(groupsFromClaims({ roles: 'a, b c' }, 'roles')).toEqual(['a', 'b', 'c']);
    expect(groupsFromClaims({}, 'groups')).toEqual([]);
  });

  it('derives a storable username', () => {
    expect(usernameFromClaims({ preferred_username: 'jane.doe', email: 'j@x' })).toBe('jane.doe');
    expect(usernameFromClaims({ email: 'Jane Doe@corp.example' })).toBe('Jane_Doe@corp.example');
    expect(usernameFromClaims({ sub: '  ' })).toBeNull();
  });
});
