import type { RequestAttributes, Subject } from './rbac/authorizer';

/** One request as kube-apiserver's audit log records it (audit.k8s.io/v1 Event, reduced). */
export interface SimAuditEvent {
  /** epoch ms */
  at: number;
  verb: string;
  requestURI: string;
  /** who authenticated (the app's own identity when it impersonates) */
  user: { username: string; groups: string[] };
  /** set when the request carried Impersonate-User */
  impersonatedUser?: { username: string; groups: string[] };
  /** how the caller authenticated: a static/ServiceAccount bearer token, or an OIDC ID token */
  authenticatedBy: 'token' | 'oidc' | 'anonymous';
  objectRef?: { resource: string; subresource?: string; name?: string; namespace?: string; apiGroup: string };
  responseStatus: { code: number };
}

/** A bounded in-memory audit trail of resource requests, readable at GET /_sim/audit. */
export class SimAudit {
  private readonly events: SimAuditEvent[] = [];

  constructor(private readonly capacity = 10_000) {}

  record(e: {
    at: number;
    uri: string;
    real: Subject;
    acting: Subject;
    authenticatedBy: SimAuditEvent['authenticatedBy'];
    attrs: RequestAttributes;
    code: number;
  }): void {
    const a = e.attrs;
    const event: SimAuditEvent = {
      at: e.at,
      verb: a.verb,
      requestURI: e.uri,
      user: { username: e.real.user, groups: e.real.groups },
      authenticatedBy: e.authenticatedBy,
      responseStatus: { code: e.code },
    };
    if (e.acting !== e.real) event.impersonatedUser = { username: e.acting.user, groups: e.acting.groups };
    if (a.resourceRequest)
      event.objectRef = {
        resource: a.resource,
        apiGroup: a.apiGroup,
        ...(a.subresource ? { subresource: a.subresource } : {}),
        ...(a.name ? { name: a.name } : {}),
        ...(a.namespace ? { namespace: a.namespace } : {}),
      };
    this.events.push(event);
    if (this.events.length > this.capacity) this.events.splice(0, this.events.length - this.capacity);
  }

  /** Events oldest first; `user` matches the acting user (the impersonated one when there is one). */
  list(filter: { user?: string; verb?: string; since?: number } = {}): SimAuditEvent[] {
    return this.events.filter(
      (e) =>
        (!filter.user || (e.impersonatedUser?.username ?? e.user.username) === filter.user) &&
        (!filter.verb || e.verb === filter.verb) &&
        (filter.since === undefined || e.at >= filter.since),
    );
  }

  clear(): void {
    this.events.length = 0;
  }
}
