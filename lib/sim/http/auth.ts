import type { IncomingMessage } from 'node:http';
import { apiErrors, SimApiError } from '../errors';
import { impersonate } from '../rbac/impersonation';
import { forbiddenMessage, type RequestAttributes, type Subject } from '../rbac/authorizer';
import { ADMIN_USER, READONLY_USER } from '../rbac/sim-rbac';
import { formatTime } from '../store';
import type { SimContext } from './context';

/** What parseResourcePath found in a URL (see handler.ts). */
export interface ParsedPath {
  group: string;
  resource: string;
  namespace?: string;
  name?: string;
  sub?: string;
  watchPrefix: boolean;
}

const authenticated = 'system:authenticated';

export interface Authenticated {
  subject: Subject;
  by: 'token' | 'oidc' | 'anonymous';
}

/**
 * Bearer token → subject. The admin token is a superuser (system:masters), like a cluster-admin
 * kubeconfig; ServiceAccount tokens need RBAC on; a JWT is an ID token of the trusted OIDC issuer.
 */
export async function authenticate(
  ctx: SimContext,
  req: IncomingMessage,
): Promise<Authenticated | undefined> {
  const h = req.headers.authorization ?? '';
  const admin = { user: ADMIN_USER, groups: ['system:masters', authenticated] };
  if (!h && ctx.anonymousAdmin) return { subject: admin, by: 'anonymous' };
  const m = /^Bearer\s+(.+)$/i.exec(h);
  if (!m) return undefined;
  const token = m[1]!.trim();
  if (token === ctx.adminToken) return { subject: admin, by: 'token' };
  if (token === ctx.readOnlyToken)
    return { subject: { user: READONLY_USER, groups: [authenticated] }, by: 'token' };
  const sa = ctx.rbac?.enabled ? ctx.rbac.tokenSubject(token) : undefined;
  if (sa) return { subject: sa, by: 'token' };
  const oidc = ctx.oidc ? await ctx.oidc(token) : undefined;
  return oidc ? { subject: oidc, by: 'oidc' } : undefined;
}

/**
 * Impersonate-User / Impersonate-Group (repeatable) applied to the authenticated subject; throws
 * kube-apiserver's 403 when the caller may not impersonate them.
 */
export function actingSubject(ctx: SimContext, real: Subject, req: IncomingMessage): Subject {
  const user = req.headersDistinct['impersonate-user']?.[0];
  const groups = req.headersDistinct['impersonate-group'] ?? [];
  const r = impersonate((s, a) => decide(ctx, s, a), real, { user, groups });
  if (r.ok) return r.subject;
  if (r.status === 400) throw apiErrors.badRequest(r.message);
  throw new SimApiError(403, 'Forbidden', r.message, {
    name: r.attrs && r.attrs.resourceRequest ? (r.attrs.name ?? '') : '',
    kind: r.attrs && r.attrs.resourceRequest ? r.attrs.resource : '',
  });
}

/** kube-apiserver's RequestInfo, reduced: the verb comes from the method, and GET splits into get/list/watch. */
export function requestAttributes(
  method: string,
  path: string,
  rp: ParsedPath | undefined,
  query: URLSearchParams,
): RequestAttributes {
  if (!rp) return { resourceRequest: false, verb: method.toLowerCase(), path };
  let verb: string;
  if (method === 'GET' || method === 'HEAD') {
    const watch = rp.watchPrefix || query.get('watch') === 'true' || query.get('watch') === '1';
    verb = watch ? 'watch' : rp.name !== undefined ? 'get' : 'list';
  } else if (method === 'DELETE') verb = rp.name !== undefined ? 'delete' : 'deletecollection';
  else verb = { POST: 'create', PUT: 'update', PATCH: 'patch' }[method] ?? method.toLowerCase();
  // a Namespace's own namespace is its name
  const namespace = rp.resource === 'namespaces' && !rp.namespace ? rp.name : rp.namespace;
  return {
    resourceRequest: true,
    verb,
    apiGroup: rp.group,
    resource: rp.resource,
    ...(rp.sub ? { subresource: rp.sub } : {}),
    ...(rp.name !== undefined ? { name: rp.name } : {}),
    ...(namespace ? { namespace } : {}),
  };
}

export function decide(
  ctx: SimContext,
  subject: Subject,
  attrs: RequestAttributes,
): { allowed: boolean; reason: string } {
  if (ctx.rbac?.enabled) return ctx.rbac.authorize(subject, attrs);
  // without RBAC: the admin may do anything, the read-only token may only read
  const readOnly = subject.user === READONLY_USER;
  return { allowed: !readOnly || ['get', 'list', 'watch'].includes(attrs.verb), reason: '' };
}

/** Throws kube-apiserver's 403 when the subject may not make the request. */
export function authorizeRequest(ctx: SimContext, subject: Subject, attrs: RequestAttributes): void {
  const { allowed, reason } = decide(ctx, subject, attrs);
  if (allowed) return;
  const message = forbiddenMessage(subject, attrs, reason);
  if (!attrs.resourceRequest) throw new SimApiError(403, 'Forbidden', message, {});
  const details: { name: string; kind: string; group?: string } = {
    name: attrs.name ?? '',
    kind: attrs.resource,
  };
  if (attrs.apiGroup) details.group = attrs.apiGroup;
  throw new SimApiError(403, 'Forbidden', message, details);
}

interface AccessReviewSpec {
  resourceAttributes?: {
    namespace?: string;
    verb?: string;
    group?: string;
    resource?: string;
    subresource?: string;
    name?: string;
  };
  nonResourceAttributes?: { path?: string; verb?: string };
}

/** SelfSubjectAccessReview (what `kubectl auth can-i` sends): the requester's own permission, evaluated. */
export function selfSubjectAccessReview(
  ctx: SimContext,
  subject: Subject,
  body: unknown,
): Record<string, unknown> {
  const spec = (body as { spec?: AccessReviewSpec } | undefined)?.spec ?? {};
  let attrs: RequestAttributes;
  if (spec.resourceAttributes) {
    const r = spec.resourceAttributes;
    attrs = {
      resourceRequest: true,
      verb: r.verb ?? '',
      apiGroup: r.group ?? '',
      resource: r.resource ?? '',
      ...(r.subresource ? { subresource: r.subresource } : {}),
      ...(r.name ? { name: r.name } : {}),
      ...(r.namespace ? { namespace: r.namespace } : {}),
    };
  } else if (spec.nonResourceAttributes) {
    attrs = {
      resourceRequest: false,
      verb: spec.nonResourceAttributes.verb ?? '',
      path: spec.nonResourceAttributes.path ?? '',
    };
  } else {
    throw new SimApiError(
      422,
      'Invalid',
      'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
      {
        kind: 'SelfSubjectAccessReview',
        group: 'authorization.k8s.io',
      },
    );
  }
  const { allowed, reason } = decide(ctx, subject, attrs);
  return {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: formatTime(ctx.store.nowMs()) },
    spec,
    status: { allowed, ...(reason ? { reason } : {}) },
  };
}
