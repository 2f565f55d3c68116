export interface KubeconfigInput {
  server: string;
  token: string;
  caPem?: string;
  contextName: string;
  userName: string;
}

/** Renders a kubeconfig with inline CA data and a bearer token (YAML, readable by kubectl and client-node). */
export function renderKubeconfig(i: KubeconfigInput): string {
  const ca = i.caPem
    ? `\n    certificate-authority-data: ${Buffer.from(i.caPem).toString('base64')}`
    : i.server.startsWith('http:')
      ? '\n    insecure-skip-tls-verify: true'
      : '';
  return `apiVersion: v1
kind: Config
clusters:
- name: ${i.contextName}
  cluster:
    server: ${i.server}${ca}
contexts:
- name: ${i.contextName}
  context:
    cluster: ${i.contextName}
    user: ${i.userName}
current-context: ${i.contextName}
preferences: {}
users:
- name: ${i.userName}
  user:
    token: ${i.token}
`;
}
