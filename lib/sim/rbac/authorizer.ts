/**
 * kube-apiserver's RBAC authorizer (plugin/pkg/auth/authorizer/rbac), as a pure function over
 * the RBAC objects: ClusterRoleBindings are visited first, then the RoleBindings of the request's
 * namespace; the first rule that allows the request decides. Nothing denies explicitly, and a
 * binding to a missing role is reported in the reason, as kube-apiserver does.
 *
 * Everything is keyed on a Subject (user + groups), not on a token, so impersonation can later
 * evaluate another subject through the same function.
 */

export interface Subject {
  user: string;
  groups: string[];
}

/** authorizer.Attributes: a resource request, or a non-resource one (a path such as /apis). */
export type RequestAttributes =
  | {
      resourceRequest: true;
      verb: string;
      apiGroup: string;
      resource: string;
      subresource?: string;
      name?: string;
      namespace?: string;
    }
  | { resourceRequest: false; verb: string; path: string };

export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface RbacSubject {
  kind: string;
  name: string;
  namespace?: string;
}

export interface Binding {
  kind: 'ClusterRoleBinding' | 'RoleBinding';
  metadata: { name: string; namespace?: string };
  subjects?: RbacSubject[];
  roleRef: { kind: string; name: string; apiGroup?: string };
}

/** Read access to the RBAC objects the authorizer needs (the simulator's store implements it). */
export interface RbacObjects {
  clusterRole(name: string): { rules?: PolicyRule[] } | undefined;
  role(namespace: string, name: string): { rules?: PolicyRule[] } | undefined;
  clusterRoleBindings(): Binding[];
  roleBindings(namespace: string): Binding[];
}

export interface Decision {
  allowed: boolean;
  /** why, in kube-apiserver's words ("" when no rule matched and nothing was broken) */
  reason: string;
}

export const SUPERUSER_GROUP = 'system:masters';
const ALL = '*';

export function serviceAccountUser(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

function bindingApplies(subject: Subject, b: Binding): RbacSubject | undefined {
  for (const s of b.subjects ?? []) {
    if (s.kind === 'User' && s.name === subject.user) return s;
    if (s.kind === 'Group' && subject.groups.includes(s.name)) return s;
    if (s.kind === 'ServiceAccount') {
      // a RoleBinding's ServiceAccount subject defaults to the binding's namespace
      const ns = s.namespace || b.metadata.namespace || '';
      if (ns && serviceAccountUser(ns, s.name) === subject.user) return s;
    }
  }
  return undefined;
}

const has = (list: string[] | undefined, v: string) => !!list && (list.includes(ALL) || list.includes(v));

function resourceMatches(rule: PolicyRule, resource: string, subresource: string | undefined): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  for (const r of rule.resources ?? []) {
    if (r === ALL || r === combined) return true;
    if (subresource && r === `*/${subresource}`) return true;
  }
  return false;
}

function nonResourceMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === ALL || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.slice(0, -1))) return true;
  }
  return false;
}

export function ruleAllows(attrs: RequestAttributes, rule: PolicyRule): boolean {
  if (!has(rule.verbs, attrs.verb)) return false;
  if (!attrs.resourceRequest) return nonResourceMatches(rule, attrs.path);
  if (!has(rule.apiGroups, attrs.apiGroup)) return false;
  if (!resourceMatches(rule, attrs.resource, attrs.subresource)) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(attrs.name ?? '');
}

function describeSubject(s: RbacSubject, bindingNs?: string): string {
  if (s.kind === 'ServiceAccount') return `ServiceAccount "${s.name}/${s.namespace || bindingNs || ''}"`;
  return `${s.kind} "${s.name}"`;
}

export function authorize(objects: RbacObjects, subject: Subject, attrs: RequestAttributes): Decision {
  if (subject.groups.includes(SUPERUSER_GROUP)) return { allowed: true, reason: '' };
  const errors: string[] = [];
  const namespace = attrs.resourceRequest ? (attrs.namespace ?? '') : '';
  const bindings = [...objects.clusterRoleBindings(), ...(namespace ? objects.roleBindings(namespace) : [])];
  for (const b of bindings) {
    const applied = bindingApplies(subject, b);
    if (!applied) continue;
    const ref = b.roleRef;
    let rules: PolicyRule[] | undefined;
    if (ref.kind === 'ClusterRole') {
      rules = objects.clusterRole(ref.name)?.rules;
      if (!rules) errors.push(`clusterrole.rbac.authorization.k8s.io "${ref.name}" not found`);
    } else if (ref.kind === 'Role' && b.kind === 'RoleBinding') {
      rules = objects.role(b.metadata.namespace ?? '', ref.name)?.rules;
      if (!rules) errors.push(`role.rbac.authorization.k8s.io "${ref.name}" not found`);
    }
    if (rules?.some((r) => ruleAllows(attrs, r))) {
      // kube-apiserver's clusterRoleBindingDescriber / roleBindingDescriber
      const name = b.kind === 'RoleBinding' ? `${b.metadata.name}/${b.metadata.namespace}` : b.metadata.name;
      return {
        allowed: true,
        reason: `RBAC: allowed by ${b.kind} "${name}" of ${ref.kind} "${ref.name}" to ${describeSubject(applied, b.metadata.namespace)}`,
      };
    }
  }
  return { allowed: false, reason: errors.length ? `RBAC: [${errors.join(', ')}]` : '' };
}

/** kube-apiserver's 403 text for a denied request (endpoints/handlers/responsewriters.forbiddenMessage). */
export function forbiddenMessage(subject: Subject, attrs: RequestAttributes, reason: string): string {
  let msg: string;
  if (!attrs.resourceRequest) {
    msg = `forbidden: User "${subject.user}" cannot ${attrs.verb} path "${attrs.path}"`;
  } else {
    const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
    const scope = attrs.namespace ? `in the namespace "${attrs.namespace}"` : 'at the cluster scope';
    const qualified = attrs.apiGroup ? `${attrs.resource}.${attrs.apiGroup}` : attrs.resource;
    msg = `${qualified}${attrs.name ? ` "${attrs.name}"` : ''} is forbidden: User "${subject.user}" cannot ${attrs.verb} resource "${resource}" in API group "${attrs.apiGroup}" ${scope}`;
  }
  return reason ? `${msg}: ${reason}` : msg;
}
