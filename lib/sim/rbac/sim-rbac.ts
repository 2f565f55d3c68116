import { randomBytes } from 'node:crypto';
import { apiErrors } from '../errors';
import type { KObj } from '../resources';
import type { SimStore } from '../sim-store';
import { formatTime } from '../store';
import {
  authorize,
  serviceAccountUser,
  type Binding,
  type Decision,
  type PolicyRule,
  type RbacObjects,
  type RequestAttributes,
  type Subject,
} from './authorizer';

interface IssuedToken {
  namespace: string;
  name: string;
  /** the ServiceAccount's uid: deleting and recreating the account invalidates old tokens */
  uid: string;
  expiresAt: number;
}

const RBAC = 'rbac.authorization.k8s.io/v1';
export const READONLY_USER = 'sim-readonly';
export const ADMIN_USER = 'sim-admin';

/** The bootstrap policy kube-apiserver always has, reduced to what clients here touch. */
function bootstrapPolicy(): Array<{ resource: string; obj: Record<string, unknown> }> {
  const role = (name: string, rules: PolicyRule[]) => ({
    resource: 'clusterroles',
    obj: { apiVersion: RBAC, kind: 'ClusterRole', metadata: { name }, rules },
  });
  const binding = (name: string, role: string, subject: { kind: string; name: string }) => ({
    resource: 'clusterrolebindings',
    obj: {
      apiVersion: RBAC,
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', ...subject }],
    },
  });
  const authenticated = { kind: 'Group', name: 'system:authenticated' };
  return [
    role('cluster-admin', [
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ]),
    binding('cluster-admin', 'cluster-admin', { kind: 'Group', name: 'system:masters' }),
    role('system:discovery', [
      {
        nonResourceURLs: [
          '/api',
          '/api/*',
          '/apis',
          '/apis/*',
          '/healthz',
          '/livez',
          '/readyz',
          '/version',
          '/version/',
        ],
        verbs: ['get'],
      },
    ]),
    binding('system:discovery', 'system:discovery', authenticated),
    role('system:basic-user', [
      {
        apiGroups: ['authorization.k8s.io'],
        resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
        verbs: ['create'],
      },
    ]),
    binding('system:basic-user', 'system:basic-user', authenticated),
    // the simulator's read-only token keeps meaning "read everything"
    role(READONLY_USER, [{ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] }]),
    binding(READONLY_USER, READONLY_USER, { kind: 'User', name: READONLY_USER }),
  ];
}

/**
 * ServiceAccount tokens and RBAC for the simulator. Roles and bindings live in the store (so
 * kubectl and HTTP clients create and edit them like on a real cluster); this class issues and
 * revokes tokens and answers "may this subject do that?" through the pure authorizer.
 */
export class SimRbac implements RbacObjects {
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly tokenUses = new Map<string, number>();

  constructor(
    private readonly store: SimStore,
    /** off: only the admin and read-only tokens exist, as before RBAC was simulated */
    readonly enabled: boolean,
  ) {
    if (enabled) for (const { resource, obj } of bootstrapPolicy()) store.create(resource, obj);
  }

  clusterRole(name: string) {
    return this.store.tryGet('clusterroles', undefined, name) as { rules?: PolicyRule[] } | undefined;
  }
  role(namespace: string, name: string) {
    return this.store.tryGet('roles', namespace, name) as { rules?: PolicyRule[] } | undefined;
  }
  clusterRoleBindings(): Binding[] {
    return this.store.list('clusterrolebindings', {}).items.map((e) => e.obj as unknown as Binding);
  }
  roleBindings(namespace: string): Binding[] {
    return this.store.list('rolebindings', { namespace }).items.map((e) => e.obj as unknown as Binding);
  }

  authorize(subject: Subject, attrs: RequestAttributes): Decision {
    return authorize(this, subject, attrs);
  }

  /** Creates the ServiceAccount unless it exists; returns it. */
  ensureServiceAccount(namespace: string, name: string): KObj {
    return (
      this.store.tryGet('serviceaccounts', namespace, name) ??
      this.store.create('serviceaccounts', { metadata: { name, namespace } }, namespace)
    );
  }

  /** TokenRequest: a bearer token for the ServiceAccount (which must exist), valid for `expirationSeconds`. */
  issueToken(
    namespace: string,
    name: string,
    expirationSeconds = 3600,
  ): { token: string; expiresAt: number } {
    if (!this.enabled)
      throw new Error('the simulator was started without rbac: ServiceAccount tokens are off');
    const sa = this.store.tryGet('serviceaccounts', namespace, name);
    if (!sa) throw apiErrors.notFound({ resource: 'serviceaccounts', group: '' }, name);
    if (!Number.isInteger(expirationSeconds) || expirationSeconds < 600)
      throw apiErrors.invalid('TokenRequest', 'authentication.k8s.io', name, [
        {
          reason: 'FieldValueInvalid',
          field: 'spec.expirationSeconds',
          message: `Invalid value: ${expirationSeconds}: may not specify a duration less than 10 minutes`,
        },
      ]);
    const token = `sim-sa-${randomBytes(24).toString('base64url')}`;
    const expiresAt = this.store.nowMs() + expirationSeconds * 1000;
    this.tokens.set(token, { namespace, name, uid: sa.metadata.uid ?? '', expiresAt });
    return { token, expiresAt };
  }

  /** The token stops authenticating at once (401 on the next request). */
  revokeToken(token: string): boolean {
    return this.tokens.delete(token);
  }

  /** The subject a ServiceAccount token stands for, or undefined (unknown, revoked, expired, account gone). */
  tokenSubject(token: string): Subject | undefined {
    const t = this.tokens.get(token);
    if (!t) return undefined;
    const sa = this.store.tryGet('serviceaccounts', t.namespace, t.name);
    if (!sa || sa.metadata.uid !== t.uid || this.store.nowMs() >= t.expiresAt) return undefined;
    this.tokenUses.set(token, (this.tokenUses.get(token) ?? 0) + 1);
    return {
      user: serviceAccountUser(t.namespace, t.name),
      groups: ['system:serviceaccounts', `system:serviceaccounts:${t.namespace}`, 'system:authenticated'],
    };
  }

  /** Requests authenticated with this token so far (tests use it to see a rotated token in use). */
  uses(token: string): number {
    return this.tokenUses.get(token) ?? 0;
  }

  /** The TokenRequest object kube-apiserver answers `POST …/serviceaccounts/{name}/token` with. */
  tokenRequest(namespace: string, name: string, body: unknown): Record<string, unknown> {
    const spec =
      (body as { spec?: { expirationSeconds?: number; audiences?: string[] } } | undefined)?.spec ?? {};
    const { token, expiresAt } = this.issueToken(namespace, name, spec.expirationSeconds ?? 3600);
    return {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name, namespace, creationTimestamp: formatTime(this.store.nowMs()) },
      spec: {
        audiences: spec.audiences ?? ['https://kubernetes.default.svc'],
        expirationSeconds: spec.expirationSeconds ?? 3600,
      },
      status: { token, expirationTimestamp: formatTime(expiresAt) },
    };
  }
}
