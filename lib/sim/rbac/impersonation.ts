import { forbiddenMessage, type Decision, type RequestAttributes, type Subject } from './authorizer';

/** What a request asked to act as (kube-apiserver's Impersonate-* headers). */
export interface ImpersonationRequest {
  user?: string;
  groups: string[];
}

export type ImpersonationResult =
  | { ok: true; subject: Subject }
  | { ok: false; status: 400 | 403; message: string; attrs?: RequestAttributes };

const AUTHENTICATED = 'system:authenticated';

/**
 * kube-apiserver's WithImpersonation filter: the authenticated subject needs `impersonate` on
 * `users/<name>` and on `groups/<name>` for every requested group; the request then runs as the
 * impersonated user, whose groups are exactly the requested ones plus system:authenticated.
 * Groups without a user are refused, as kube-apiserver does.
 */
export function impersonate(
  decide: (s: Subject, a: RequestAttributes) => Decision,
  real: Subject,
  requested: ImpersonationRequest,
): ImpersonationResult {
  if (requested.user === undefined) {
    if (requested.groups.length === 0) return { ok: true, subject: real };
    return {
      ok: false,
      status: 400,
      message: `requested [${requested.groups.map((g) => `{Group  ${g}  }`).join(' ')}] without impersonating a user`,
    };
  }
  const checks: RequestAttributes[] = [
    { resourceRequest: true, verb: 'impersonate', apiGroup: '', resource: 'users', name: requested.user },
    ...requested.groups.map((g): RequestAttributes => ({
      resourceRequest: true,
      verb: 'impersonate',
      apiGroup: '',
      resource: 'groups',
      name: g,
    })),
  ];
  for (const attrs of checks) {
    const d = decide(real, attrs);
    if (!d.allowed)
      return { ok: false, status: 403, message: forbiddenMessage(real, attrs, d.reason), attrs };
  }
  const groups = [...new Set(requested.groups)];
  if (requested.user !== 'system:anonymous' && !groups.includes(AUTHENTICATED)) groups.push(AUTHENTICATED);
  return { ok: true, subject: { user: requested.user, groups } };
}
