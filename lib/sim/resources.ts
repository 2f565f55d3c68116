import type { StatusCause } from './errors';
import type { MergeKeys } from './patch';
import { commonMergeKeys } from './patch';
import { validateAnnotations, validateLabels, validateObjectName, validateTaints } from './validation';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<Record<string, unknown>>;
  finalizers?: string[];
  managedFields?: unknown[];
  generateName?: string;
  [k: string]: unknown;
}

/** A stored Kubernetes object; treated as immutable once stored (writes replace it). */
export interface KObj {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [k: string]: unknown;
}

export interface ResourceDef {
  resource: string;
  singular: string;
  kind: string;
  group: string;
  version: string;
  namespaced: boolean;
  shortNames?: string[];
  verbs: string[];
  fieldSelectors: readonly string[];
  fields(obj: KObj): Record<string, string>;
  validate(obj: KObj): StatusCause[];
  mergeKeys: MergeKeys;
}

const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function metaFields(obj: KObj, namespaced: boolean): Record<string, string> {
  const f: Record<string, string> = { 'metadata.name': obj.metadata.name };
  if (namespaced) f['metadata.namespace'] = obj.metadata.namespace ?? '';
  return f;
}

function metaValidation(obj: KObj): StatusCause[] {
  return [
    ...validateObjectName(obj.metadata?.name),
    ...validateLabels(obj.metadata?.labels, 'metadata.labels'),
    ...validateAnnotations(obj.metadata?.annotations, 'metadata.annotations'),
  ];
}

function get(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const p of path) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

const str = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';

function def(
  d: Omit<ResourceDef, 'verbs' | 'mergeKeys' | 'validate' | 'fields'> & Partial<ResourceDef>,
): ResourceDef {
  return {
    verbs: allVerbs,
    mergeKeys: commonMergeKeys,
    validate: metaValidation,
    fields: (o) => metaFields(o, d.namespaced),
    ...d,
  };
}

export const resourceDefs: Record<string, ResourceDef> = {
  nodes: def({
    resource: 'nodes',
    singular: 'node',
    kind: 'Node',
    group: '',
    version: 'v1',
    namespaced: false,
    shortNames: ['no'],
    fieldSelectors: ['metadata.name', 'spec.unschedulable'],
    fields: (o) => ({
      'metadata.name': o.metadata.name,
      'spec.unschedulable': get(o, 'spec', 'unschedulable') === true ? 'true' : 'false',
    }),
    validate: (o) => [...metaValidation(o), ...validateTaints(get(o, 'spec', 'taints'))],
  }),
  pods: def({
    resource: 'pods',
    singular: 'pod',
    kind: 'Pod',
    group: '',
    version: 'v1',
    namespaced: true,
    shortNames: ['po'],
    fieldSelectors: [
      'metadata.name',
      'metadata.namespace',
      'spec.nodeName',
      'spec.restartPolicy',
      'spec.schedulerName',
      'spec.serviceAccountName',
      'status.phase',
      'status.podIP',
      'status.nominatedNodeName',
    ],
    fields: (o) => ({
      ...metaFields(o, true),
      'spec.nodeName': str(get(o, 'spec', 'nodeName')),
      'spec.restartPolicy': str(get(o, 'spec', 'restartPolicy')),
      'spec.schedulerName': str(get(o, 'spec', 'schedulerName')),
      'spec.serviceAccountName': str(get(o, 'spec', 'serviceAccountName')),
      'status.phase': str(get(o, 'status', 'phase')),
      'status.podIP': str(get(o, 'status', 'podIP')),
      'status.nominatedNodeName': str(get(o, 'status', 'nominatedNodeName')),
    }),
  }),
  events: def({
    resource: 'events',
    singular: 'event',
    kind: 'Event',
    group: '',
    version: 'v1',
    namespaced: true,
    shortNames: ['ev'],
    fieldSelectors: [
      'metadata.name',
      'metadata.namespace',
      'involvedObject.kind',
      'involvedObject.namespace',
      'involvedObject.name',
      'involvedObject.uid',
      'involvedObject.apiVersion',
      'involvedObject.resourceVersion',
      'involvedObject.fieldPath',
      'reason',
      'reportingComponent',
      'source',
      'type',
    ],
    fields: (o) => ({
      ...metaFields(o, true),
      'involvedObject.kind': str(get(o, 'involvedObject', 'kind')),
      'involvedObject.namespace': str(get(o, 'involvedObject', 'namespace')),
      'involvedObject.name': str(get(o, 'involvedObject', 'name')),
      'involvedObject.uid': str(get(o, 'involvedObject', 'uid')),
      'involvedObject.apiVersion': str(get(o, 'involvedObject', 'apiVersion')),
      'involvedObject.resourceVersion': str(get(o, 'involvedObject', 'resourceVersion')),
      'involvedObject.fieldPath': str(get(o, 'involvedObject', 'fieldPath')),
      reason: str(o.reason),
      reportingComponent: str(o.reportingComponent),
      source: str(get(o, 'source', 'component')),
      type: str(o.type),
    }),
  }),
  namespaces: def({
    resource: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    group: '',
    version: 'v1',
    namespaced: false,
    shortNames: ['ns'],
    fieldSelectors: ['metadata.name', 'status.phase'],
    fields: (o) => ({ 'metadata.name': o.metadata.name, 'status.phase': str(get(o, 'status', 'phase')) }),
  }),
  leases: def({
    resource: 'leases',
    singular: 'lease',
    kind: 'Lease',
    group: 'coordination.k8s.io',
    version: 'v1',
    namespaced: true,
    fieldSelectors: ['metadata.name', 'metadata.namespace'],
  }),
  daemonsets: def({
    resource: 'daemonsets',
    singular: 'daemonset',
    kind: 'DaemonSet',
    group: 'apps',
    version: 'v1',
    namespaced: true,
    shortNames: ['ds'],
    fieldSelectors: ['metadata.name', 'metadata.namespace'],
  }),
  poddisruptionbudgets: def({
    resource: 'poddisruptionbudgets',
    singular: 'poddisruptionbudget',
    kind: 'PodDisruptionBudget',
    group: 'policy',
    version: 'v1',
    namespaced: true,
    shortNames: ['pdb'],
    fieldSelectors: ['metadata.name', 'metadata.namespace'],
  }),
  // RBAC (lib/sim/rbac): stored like any object, evaluated only when the simulator runs with rbac on
  serviceaccounts: def({
    resource: 'serviceaccounts',
    singular: 'serviceaccount',
    kind: 'ServiceAccount',
    group: '',
    version: 'v1',
    namespaced: true,
    shortNames: ['sa'],
    fieldSelectors: ['metadata.name', 'metadata.namespace'],
  }),
  ...rbacDefs(),
};

/** RBAC object names need only be valid path segments (kube's ValidatePathSegmentName): "system:discovery". */
function rbacValidation(obj: KObj): StatusCause[] {
  const name = obj.metadata?.name;
  const bad =
    typeof name !== 'string' || !name || name === '.' || name === '..' || /[/%]/.test(name)
      ? [
          {
            reason: 'FieldValueInvalid',
            message: `Invalid value: ${JSON.stringify(name)}: may not be '.' or '..' and may not contain '/' or '%'`,
            field: 'metadata.name',
          },
        ]
      : [];
  return [
    ...bad,
    ...validateLabels(obj.metadata?.labels, 'metadata.labels'),
    ...validateAnnotations(obj.metadata?.annotations, 'metadata.annotations'),
  ];
}

function rbacDefs(): Record<string, ResourceDef> {
  const rbac = (resource: string, kind: string, namespaced: boolean) =>
    def({
      validate: rbacValidation,
      resource,
      singular: kind.toLowerCase(),
      kind,
      group: 'rbac.authorization.k8s.io',
      version: 'v1',
      namespaced,
      fieldSelectors: namespaced ? ['metadata.name', 'metadata.namespace'] : ['metadata.name'],
    });
  return {
    clusterroles: rbac('clusterroles', 'ClusterRole', false),
    clusterrolebindings: rbac('clusterrolebindings', 'ClusterRoleBinding', false),
    roles: rbac('roles', 'Role', true),
    rolebindings: rbac('rolebindings', 'RoleBinding', true),
  };
}

export function apiVersionOf(d: ResourceDef): string {
  return d.group ? `${d.group}/${d.version}` : d.version;
}

export function resourceDef(resource: string): ResourceDef | undefined {
  return Object.prototype.hasOwnProperty.call(resourceDefs, resource) ? resourceDefs[resource] : undefined;
}

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}
