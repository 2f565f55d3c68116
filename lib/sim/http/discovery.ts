import { apiVersionOf, type ResourceDef, resourceDefs } from '../resources';

export const serverVersion = {
  major: '1',
  minor: '31',
  gitVersion: 'v1.31.4-sim',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.22.9',
  compiler: 'gc',
  platform: 'linux/amd64',
};

interface ApiResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  group?: string;
  version?: string;
  categories?: string[];
}

function fromDef(d: ResourceDef): ApiResource {
  const r: ApiResource = {
    name: d.resource,
    singularName: d.singular,
    namespaced: d.namespaced,
    kind: d.kind,
    verbs: d.verbs,
  };
  if (d.shortNames) r.shortNames = d.shortNames;
  return r;
}

function resourcesOf(group: string, version: string): ApiResource[] {
  return Object.values(resourceDefs)
    .filter((d) => d.group === group && d.version === version)
    .map(fromDef);
}

const metricsResources: ApiResource[] = [
  { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
  { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
];

function coreResources(): ApiResource[] {
  const base = resourcesOf('', 'v1');
  const sub = (
    name: string,
    kind: string,
    verbs: string[],
    namespaced: boolean,
    extra: Partial<ApiResource> = {},
  ): ApiResource => ({
    name,
    singularName: '',
    namespaced,
    kind,
    verbs,
    ...extra,
  });
  return [
    ...base,
    sub('nodes/status', 'Node', ['get', 'patch', 'update'], false),
    sub('pods/status', 'Pod', ['get', 'patch', 'update'], true),
    sub('pods/eviction', 'Eviction', ['create'], true, { group: 'policy', version: 'v1' }),
    sub('pods/log', 'Pod', ['get'], true),
    sub('serviceaccounts/token', 'TokenRequest', ['create'], true, {
      group: 'authentication.k8s.io',
      version: 'v1',
    }),
  ];
}

const groups: Array<{ name: string; version: string }> = [
  { name: 'apps', version: 'v1' },
  { name: 'policy', version: 'v1' },
  { name: 'coordination.k8s.io', version: 'v1' },
  { name: 'metrics.k8s.io', version: 'v1beta1' },
  { name: 'rbac.authorization.k8s.io', version: 'v1' },
  { name: 'authorization.k8s.io', version: 'v1' },
];

const authorizationResources: ApiResource[] = [
  {
    name: 'selfsubjectaccessreviews',
    singularName: 'selfsubjectaccessreview',
    namespaced: false,
    kind: 'SelfSubjectAccessReview',
    verbs: ['create'],
  },
];

/** Legacy (non-aggregated) discovery documents, always JSON so every client version can read them. */
export function discoveryDoc(path: string): unknown {
  if (path === '/version') return serverVersion;
  if (path === '/api') {
    return {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }],
    };
  }
  if (path === '/api/v1') return { kind: 'APIResourceList', groupVersion: 'v1', resources: coreResources() };
  if (path === '/apis') {
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: groups.map((g) => {
        const gv = { groupVersion: `${g.name}/${g.version}`, version: g.version };
        return { name: g.name, versions: [gv], preferredVersion: gv };
      }),
    };
  }
  for (const g of groups) {
    if (path === `/apis/${g.name}`) {
      const gv = { groupVersion: `${g.name}/${g.version}`, version: g.version };
      return { kind: 'APIGroup', apiVersion: 'v1', name: g.name, versions: [gv], preferredVersion: gv };
    }
    if (path === `/apis/${g.name}/${g.version}`) {
      let resources =
        g.name === 'metrics.k8s.io'
          ? metricsResources
          : g.name === 'authorization.k8s.io'
            ? authorizationResources
            : resourcesOf(g.name, g.version);
      if (g.name === 'policy')
        resources = [
          ...resources,
          {
            name: 'poddisruptionbudgets/status',
            singularName: '',
            namespaced: true,
            kind: 'PodDisruptionBudget',
            verbs: ['get', 'patch', 'update'],
          },
        ];
      if (g.name === 'apps')
        resources = [
          ...resources,
          {
            name: 'daemonsets/status',
            singularName: '',
            namespaced: true,
            kind: 'DaemonSet',
            verbs: ['get', 'patch', 'update'],
          },
        ];
      return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${g.name}/${g.version}`, resources };
    }
  }
  return undefined;
}

export { apiVersionOf };
