import { describe, expect, it } from 'vitest';
import {
  authorize,
  forbiddenMessage,
  serviceAccountUser,
  type Binding,
  type PolicyRule,
  type RbacObjects,
  type Subject,
} from './authorizer';

function objects(o: {
  clusterRoles?: Record<string, PolicyRule[]>;
  roles?: Record<string, PolicyRule[]>;
  bindings?: Binding[];
}): RbacObjects {
  return {
    clusterRole: (n) => (o.clusterRoles?.[n] ? { rules: o.clusterRoles[n] } : undefined),
    role: (ns, n) => (o.roles?.[`${ns}/${n}`] ? { rules: o.roles[`${ns}/${n}`] } : undefined),
    clusterRoleBindings: () => (o.bindings ?? []).filter((b) => b.kind === 'ClusterRoleBinding'),
    roleBindings: (ns) =>
      (o.bindings ?? []).filter((b) => b.kind === 'RoleBinding' && b.metadata.namespace === ns),
  };
}

const sa: Subject = {
  user: serviceAccountUser('knm', 'app'),
  groups: ['system:serviceaccounts', 'system:serviceaccounts:knm', 'system:authenticated'],
};
const crb = (name: string, role: string, subject: Binding['subjects']): Binding => ({
  kind: 'ClusterRoleBinding',
  metadata: { name },
  roleRef: { kind: 'ClusterRole', name: role },
  subjects: subject,
});
const nodes = (verb: string, name?: string) =>
  ({ resourceRequest: true, verb, apiGroup: '', resource: 'nodes', ...(name ? { name } : {}) }) as const;

describe('RBAC authorizer', () => {
  const policy = objects({
    clusterRoles: {
      manager: [
        { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch', 'patch'] },
        { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
        { apiGroups: ['metrics.k8s.io'], resources: ['nodes'], verbs: ['get'] },
      ],
      'status-reader': [{ apiGroups: ['*'], resources: ['*/status'], verbs: ['get'] }],
      'one-node': [{ apiGroups: [''], resources: ['nodes'], resourceNames: ['n1'], verbs: ['get'] }],
      paths: [{ nonResourceURLs: ['/healthz', '/apis/*'], verbs: ['get'] }],
    },
    roles: { 'apps/pod-reader': [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }] },
    bindings: [
      crb('manager', 'manager', [{ kind: 'ServiceAccount', name: 'app', namespace: 'knm' }]),
      crb('status', 'status-reader', [{ kind: 'Group', name: 'system:serviceaccounts:knm' }]),
      crb('one-node', 'one-node', [{ kind: 'User', name: 'alice' }]),
      crb('paths', 'paths', [{ kind: 'Group', name: 'system:authenticated' }]),
      crb('dangling', 'does-not-exist', [{ kind: 'User', name: 'bob' }]),
      {
        kind: 'RoleBinding',
        metadata: { name: 'pods', namespace: 'apps' },
        roleRef: { kind: 'Role', name: 'pod-reader' },
        // no namespace: a RoleBinding's ServiceAccount subject defaults to the binding's own
        subjects: [{ kind: 'ServiceAccount', name: 'reader' }],
      },
    ],
  });

  it('allows exactly the bound verbs, through ServiceAccount, Group and User subjects', () => {
    for (const verb of ['get', 'list', 'watch', 'patch'])
      expect(authorize(policy, sa, nodes(verb)).allowed).toBe(true);
    for (const verb of ['update', 'delete', 'create'])
      expect(authorize(policy, sa, nodes(verb)).allowed).toBe(false);
    expect(authorize(policy, sa, nodes('patch')).reason).toBe(
      'RBAC: allowed by ClusterRoleBinding "manager" of ClusterRole "manager" to ServiceAccount "app/knm"',
    );
    const other = { user: serviceAccountUser('other', 'app'), groups: ['system:authenticated'] };
    expect(authorize(policy, other, nodes('get')).allowed).toBe(false);
  });

  it('matches subresources exactly or through */sub, and API groups', () => {
    const evict = {
      resourceRequest: true,
      verb: 'create',
      apiGroup: '',
      resource: 'pods',
      subresource: 'eviction',
      namespace: 'x',
    } as const;
    expect(authorize(policy, sa, evict).allowed).toBe(true);
    expect(authorize(policy, sa, { ...evict, subresource: undefined }).allowed).toBe(false);
    const status = {
      resourceRequest: true,
      verb: 'get',
      apiGroup: 'apps',
      resource: 'daemonsets',
      subresource: 'status',
      namespace: 'x',
    } as const;
    expect(authorize(policy, sa, status).allowed).toBe(true);
    expect(authorize(policy, sa, { ...nodes('get'), apiGroup: 'metrics.k8s.io' }).allowed).toBe(true);
    expect(authorize(policy, sa, { ...nodes('list'), apiGroup: 'metrics.k8s.io' }).allowed).toBe(false);
  });

  it('resourceNames restrict to named objects (never to lists)', () => {
    const alice = { user: 'alice', groups: [] };
    expect(authorize(policy, alice, nodes('get', 'n1')).allowed).toBe(true);
    expect(authorize(policy, alice, nodes('get', 'n2')).allowed).toBe(false);
    expect(authorize(policy, alice, nodes('list')).allowed).toBe(false);
  });

  it('RoleBindings count only in their namespace', () => {
    const reader = { user: serviceAccountUser('apps', 'reader'), groups: [] };
    const list = (namespace?: string) =>
      ({
        resourceRequest: true,
        verb: 'list',
        apiGroup: '',
        resource: 'pods',
        ...(namespace ? { namespace } : {}),
      }) as const;
    expect(authorize(policy, reader, list('apps'))).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by RoleBinding "pods/apps" of Role "pod-reader" to ServiceAccount "reader/apps"',
    });
    expect(authorize(policy, reader, list('default')).allowed).toBe(false);
    expect(authorize(policy, reader, list()).allowed).toBe(false);
  });

  it('non-resource URLs match exactly or by a trailing *', () => {
    const get = (path: string) => ({ resourceRequest: false, verb: 'get', path }) as const;
    expect(authorize(policy, sa, get('/healthz')).allowed).toBe(true);
    expect(authorize(policy, sa, get('/apis/apps/v1')).allowed).toBe(true);
    expect(authorize(policy, sa, get('/api')).allowed).toBe(false);
  });

  it('a binding to a missing role is named in the reason; system:masters may do anything', () => {
    expect(authorize(policy, { user: 'bob', groups: [] }, nodes('get'))).toEqual({
      allowed: false,
      reason: 'RBAC: [clusterrole.rbac.authorization.k8s.io "does-not-exist" not found]',
    });
    expect(
      authorize(objects({}), { user: 'root', groups: ['system:masters'] }, nodes('delete')).allowed,
    ).toBe(true);
  });

  it("words a denial like kube-apiserver's 403", () => {
    expect(forbiddenMessage(sa, nodes('patch', 'n1'), '')).toBe(
      'nodes "n1" is forbidden: User "system:serviceaccount:knm:app" cannot patch resource "nodes" in API group "" at the cluster scope',
    );
    expect(
      forbiddenMessage(
        sa,
        {
          resourceRequest: true,
          verb: 'create',
          apiGroup: '',
          resource: 'pods',
          subresource: 'eviction',
          name: 'p',
          namespace: 'apps',
        },
        '',
      ),
    ).toBe(
      'pods "p" is forbidden: User "system:serviceaccount:knm:app" cannot create resource "pods/eviction" in API group "" in the namespace "apps"',
    );
    expect(
      forbiddenMessage(
        sa,
        { resourceRequest: true, verb: 'list', apiGroup: 'policy', resource: 'poddisruptionbudgets' },
        'RBAC: [x]',
      ),
    ).toBe(
      'poddisruptionbudgets.policy is forbidden: User "system:serviceaccount:knm:app" cannot list resource "poddisruptionbudgets" in API group "policy" at the cluster scope: RBAC: [x]',
    );
    expect(forbiddenMessage(sa, { resourceRequest: false, verb: 'get', path: '/metrics' }, '')).toBe(
      'forbidden: User "system:serviceaccount:knm:app" cannot get path "/metrics"',
    );
  });
});
