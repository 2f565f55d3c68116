/** React Query keys shared by fetchers, mutations and the stream wiring. */
export const queryKeys = {
  clusters: ['clusters'] as const,
  nodes: (cluster: string) => ['nodes', cluster] as const,
  /** a live window of a node query (canonical query string): WindowState, pushed only */
  window: (cluster: string, query: string) => ['window', cluster, query] as const,
  node: (cluster: string, node: string) => ['node', cluster, node] as const,
  operation: (id: string) => ['operation', id] as const,
  healthHistory: ['health-history'] as const,
  permissions: (cluster: string) => ['permissions', cluster] as const,
  nodeUsage: (cluster: string, names: readonly string[]) => ['node-usage', cluster, names.join(',')] as const,
  nodeUsageHistory: (cluster: string, node: string) => ['node-usage-history', cluster, node] as const,
};
