import type { Simulator } from '@/lib/sim';

const RBAC = 'rbac.authorization.k8s.io/v1';

/**
 * The app's identity in the simulator (namespace knm, ServiceAccount app) and two writers of cluster-wide
 * RBAC: `role(name, rules)` and `bind(name, subjects)` (a binding to the role of the same name).
 */
export function rbacSeeder(sim: Simulator) {
  const s = sim.store;
  s.create('namespaces', { metadata: { name: 'knm' } });
  s.create('serviceaccounts', { metadata: { name: 'app', namespace: 'knm' } }, 'knm');
  return {
    role: (name: string, rules: unknown[]) =>
      s.create('clusterroles', { apiVersion: RBAC, kind: 'ClusterRole', metadata: { name }, rules }),
    bind: (name: string, subjects: unknown[]) =>
      s.create('clusterrolebindings', {
        apiVersion: RBAC,
        kind: 'ClusterRoleBinding',
        metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
        subjects,
      }),
  };
}

/** The simulator's policy for the identity tests: the app's own identity, and who may do what. */
export function seedIdentityPolicy(sim: Simulator): string {
  const { role, bind } = rbacSeeder(sim);
  // what deploy/components/impersonation grants: informers read, and may impersonate; no writes of its own
  role('knm-app', [
    { apiGroups: [''], resources: ['nodes', 'pods'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [''], resources: ['users', 'groups'], verbs: ['impersonate'] },
  ]);
  bind('knm-app', [{ kind: 'ServiceAccount', name: 'app', namespace: 'knm' }]);
  // labeler: patch nodes, read what the node panel shows, but no evictions
  role('node-labeler', [
    { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch', 'patch'] },
    { apiGroups: [''], resources: ['pods', 'events'], verbs: ['list'] },
  ]);
  bind('node-labeler', [{ kind: 'User', name: 'labeler' }]);
  // reader: list and watch nodes, nothing more
  role('node-reader', [{ apiGroups: [''], resources: ['nodes'], verbs: ['list', 'watch'] }]);
  bind('node-reader', [{ kind: 'User', name: 'reader' }]);
  // nobody: bound to nothing
  return sim.kubeconfig({ token: sim.rbac.issueToken('knm', 'app', 86_400).token, contextName: 'knm-app' });
}
