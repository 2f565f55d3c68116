import { dump, load } from 'js-yaml';
import { MAX_KUBECONFIG_BYTES } from '@/lib/protocol/clusters-api';
import { KubeconfigError } from './errors';
import { validateServerUrl } from './server-url';

export { MAX_KUBECONFIG_BYTES };

/** What the app keeps: one context, its cluster and user, with only inline credentials. */
export interface ReducedKubeconfig {
  context: string;
  server: string;
  /** the minimal kubeconfig YAML (contains secrets: encrypt it, never return or log it) */
  yaml: string;
  authKind: 'token' | 'client-certificate' | 'basic' | 'none';
  insecureSkipTlsVerify: boolean;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

// Fields that make the server run programs or read its own files: never accepted from a user.
const FORBIDDEN_USER_FIELDS: Record<string, string> = {
  exec: 'exec credential plugins (they would run a command on this server)',
  'auth-provider': 'auth-provider plugins',
  tokenFile: 'tokenFile (file paths on this server)',
  'client-certificate': 'client-certificate file paths (use client-certificate-data)',
  'client-key': 'client-key file paths (use client-key-data)',
};
const FORBIDDEN_CLUSTER_FIELDS: Record<string, string> = {
  'certificate-authority': 'certificate-authority file paths (use certificate-authority-data)',
};

function named(list: unknown, field: string): Map<string, Obj> {
  if (!Array.isArray(list))
    throw new KubeconfigError('invalid_kubeconfig', `kubeconfig: '${field}' must be a list`);
  const out = new Map<string, Obj>();
  list.forEach((entry, i) => {
    if (!isObj(entry) || typeof entry.name !== 'string' || !entry.name) {
      throw new KubeconfigError('invalid_kubeconfig', `kubeconfig: ${field}[${i}] needs a name`);
    }
    out.set(entry.name, entry);
  });
  return out;
}

function parseYaml(text: string): unknown {
  try {
    return load(text);
  } catch (err) {
    // Never use err.message: js-yaml embeds a source snippet, which may contain the token.
    const e = err as { reason?: unknown; mark?: { line?: number; column?: number } };
    const where =
      e.mark?.line !== undefined ? ` (line ${e.mark.line + 1}, column ${(e.mark.column ?? 0) + 1})` : '';
    const reason = typeof e.reason === 'string' ? e.reason : 'unreadable document';
    throw new KubeconfigError('invalid_yaml', `kubeconfig is not valid YAML: ${reason}${where}`);
  }
}

function pickContext(contexts: Map<string, Obj>, requested: string | undefined, current: unknown): string {
  const available = [...contexts.keys()];
  if (requested) {
    if (!contexts.has(requested)) {
      throw new KubeconfigError(
        'unknown_context',
        `context '${requested}' is not in the kubeconfig; available: ${available.join(', ') || 'none'}`,
        { contexts: available },
      );
    }
    return requested;
  }
  if (typeof current === 'string' && contexts.has(current)) return current;
  if (available.length === 1) return available[0]!;
  throw new KubeconfigError(
    'unknown_context',
    available.length === 0
      ? 'kubeconfig has no contexts'
      : `kubeconfig has no usable current-context; pick one of: ${available.join(', ')}`,
    { contexts: available },
  );
}

/** Context names in a kubeconfig (for a context picker); throws the same errors as reduceKubeconfig. */
export function listContexts(text: string): { contexts: string[]; current: string | null } {
  const doc = parseYaml(text);
  if (!isObj(doc)) throw new KubeconfigError('invalid_kubeconfig', 'kubeconfig must be a YAML mapping');
  const contexts = [...named(doc.contexts ?? [], 'contexts').keys()];
  const current = typeof doc['current-context'] === 'string' ? doc['current-context'] : null;
  return { contexts, current };
}

/**
 * Validates a pasted kubeconfig and reduces it to the chosen context with inline credentials
 * only. Errors name the field and never echo secret values.
 */
export function reduceKubeconfig(text: string, requestedContext?: string): ReducedKubeconfig {
  if (Buffer.byteLength(text, 'utf8') > MAX_KUBECONFIG_BYTES) {
    throw new KubeconfigError('too_large', `kubeconfig exceeds ${MAX_KUBECONFIG_BYTES / 1024} KiB`);
  }
  if (text.trim() === '') throw new KubeconfigError('invalid_yaml', 'kubeconfig is empty');
  const doc = parseYaml(text);
  if (!isObj(doc)) throw new KubeconfigError('invalid_kubeconfig', 'kubeconfig must be a YAML mapping');
  const clusters = named(doc.clusters ?? [], 'clusters');
  const users = named(doc.users ?? [], 'users');
  const contexts = named(doc.contexts ?? [], 'contexts');
  const contextName = pickContext(contexts, requestedContext, doc['current-context']);
  const ctx = contexts.get(contextName)!.context;
  if (!isObj(ctx))
    throw new KubeconfigError('invalid_kubeconfig', `contexts.${contextName}.context is missing`);

  const clusterName = ctx.cluster;
  const clusterEntry = typeof clusterName === 'string' ? clusters.get(clusterName) : undefined;
  if (!clusterEntry || !isObj(clusterEntry.cluster)) {
    throw new KubeconfigError(
      'invalid_kubeconfig',
      `context '${contextName}' refers to a missing cluster '${String(clusterName)}'`,
    );
  }
  const cluster = clusterEntry.cluster;
  for (const [field, what] of Object.entries(FORBIDDEN_CLUSTER_FIELDS)) {
    if (field in cluster)
      throw new KubeconfigError(
        'unsupported_auth',
        `clusters.${String(clusterName)}.${field}: ${what} are not supported`,
      );
  }
  const server = cluster.server;
  if (typeof server !== 'string') {
    throw new KubeconfigError(
      'invalid_kubeconfig',
      `clusters.${String(clusterName)}.server must be an http(s) URL`,
    );
  }
  validateServerUrl(server, `clusters.${String(clusterName)}.server`);
  if (server.startsWith('http://') && cluster['insecure-skip-tls-verify'] !== true) {
    throw new KubeconfigError(
      'invalid_kubeconfig',
      `clusters.${String(clusterName)}.server uses plain http://, which is only allowed with insecure-skip-tls-verify: true`,
    );
  }

  const userName = ctx.user;
  const userEntry = typeof userName === 'string' ? users.get(userName) : undefined;
  const user = userEntry?.user ?? {};
  if (typeof userName === 'string' && !userEntry) {
    throw new KubeconfigError(
      'invalid_kubeconfig',
      `context '${contextName}' refers to a missing user '${userName}'`,
    );
  }
  if (!isObj(user))
    throw new KubeconfigError('invalid_kubeconfig', `users.${String(userName)}.user must be a mapping`);
  for (const [field, what] of Object.entries(FORBIDDEN_USER_FIELDS)) {
    if (field in user)
      throw new KubeconfigError(
        'unsupported_auth',
        `users.${String(userName)}.${field}: ${what} are not supported`,
      );
  }

  const keptCluster: Obj = { server };
  const clusterFieldTypes = {
    'certificate-authority-data': 'string',
    'insecure-skip-tls-verify': 'boolean',
    'tls-server-name': 'string',
  };
  for (const [k, type] of Object.entries(clusterFieldTypes)) {
    if (cluster[k] === undefined) continue;
    if (typeof cluster[k] !== type) {
      throw new KubeconfigError(
        'invalid_kubeconfig',
        `clusters.${String(clusterName)}.${k} must be a ${type}`,
      );
    }
    keptCluster[k] = cluster[k];
  }
  const keptUser: Obj = {};
  for (const k of ['token', 'client-certificate-data', 'client-key-data', 'username', 'password']) {
    if (user[k] !== undefined) {
      if (typeof user[k] !== 'string')
        throw new KubeconfigError('invalid_kubeconfig', `users.${String(userName)}.${k} must be a string`);
      keptUser[k] = user[k];
    }
  }
  if ('client-certificate-data' in keptUser !== 'client-key-data' in keptUser) {
    throw new KubeconfigError(
      'invalid_kubeconfig',
      `users.${String(userName)}: client-certificate-data and client-key-data must be set together`,
    );
  }
  const authKind: ReducedKubeconfig['authKind'] = keptUser.token
    ? 'token'
    : keptUser['client-certificate-data']
      ? 'client-certificate'
      : keptUser.username
        ? 'basic'
        : 'none';

  const minimal = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'cluster', cluster: keptCluster }],
    users: [{ name: 'user', user: keptUser }],
    contexts: [{ name: contextName, context: { cluster: 'cluster', user: 'user' } }],
    'current-context': contextName,
  };
  return {
    context: contextName,
    server: server.replace(/\/+$/, ''),
    yaml: dump(minimal),
    authKind,
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
  };
}
