import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { KubeConfig, User } from '@kubernetes/client-node';

/** kubeconfig `auth-provider` name of the pod's own ServiceAccount token (see serviceAccountAuthenticator). */
export const SERVICE_ACCOUNT_AUTH = 'knm-service-account';

/** client-go re-reads a projected token at least this often (kubelet rotates it at 80% of its lifetime). */
export const TOKEN_MAX_AGE_MS = 60_000;

/**
 * A token file read the way client-go's cached file token source reads it: the content is
 * kept for at most `maxAgeMs`, and dropped at once when the API server answers 401 (the token
 * was rotated and the old one revoked or expired), so the next request reads the file again.
 */
export class TokenFile {
  private cached: { token: string; readAt: number } | undefined;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  /** reads of the file so far (tests and logs use it to see a refresh happen) */
  reads = 0;

  constructor(
    readonly file: string,
    opts: { maxAgeMs?: number; now?: () => number } = {},
  ) {
    this.maxAgeMs = opts.maxAgeMs ?? TOKEN_MAX_AGE_MS;
    this.now = opts.now ?? Date.now;
  }

  token(): string {
    const now = this.now();
    if (!this.cached || now - this.cached.readAt >= this.maxAgeMs) {
      // Synchronous on purpose: client-node applies authenticators per request, the file is a few
      // hundred bytes on a tmpfs, and this runs at most once a minute.
      const token = readFileSync(this.file, 'utf8').trim();
      if (!token) throw new Error(`ServiceAccount token file ${this.file} is empty`);
      this.reads++;
      this.cached = { token, readAt: now };
    }
    return this.cached.token;
  }

  invalidate(): void {
    this.cached = undefined;
  }
}

// One reader per file for the whole process: every KubeConfig loaded from the in-cluster
// kubeconfig (informers, writes, API fallbacks) shares the cache and sees a 401 reset.
const tokenFiles = new Map<string, TokenFile>();

export function tokenFileFor(file: string): TokenFile {
  let t = tokenFiles.get(file);
  if (!t) tokenFiles.set(file, (t = new TokenFile(file)));
  return t;
}

function tokenPathOf(user: User | null | undefined): string | undefined {
  const provider = user?.authProvider as { name?: string; config?: { path?: unknown } } | undefined;
  return provider?.name === SERVICE_ACCOUNT_AUTH && typeof provider.config?.path === 'string'
    ? provider.config.path
    : undefined;
}

/** client-node authenticator for `auth-provider: {name: knm-service-account, config: {path}}`. */
export const serviceAccountAuthenticator = {
  isAuthProvider: (user: User) => tokenPathOf(user) !== undefined,
  applyAuthentication(user: User, opts: { headers?: unknown }): Promise<void> {
    const file = tokenPathOf(user)!;
    // client-node always passes a plain header object here
    const headers = (opts.headers ??= {}) as Record<string, string>;
    headers.Authorization = `Bearer ${tokenFileFor(file).token()}`;
    return Promise.resolve();
  },
};

/** Called on a 401: if the config authenticates with a token file, the next request re-reads it. */
export function credentialsRejected(kc: KubeConfig): void {
  const file = tokenPathOf(kc.getCurrentUser());
  if (file) tokenFileFor(file).invalidate();
}

export interface InClusterOptions {
  host: string;
  port: number;
  /** holds token, ca.crt and namespace, as Kubernetes mounts them into every pod */
  serviceAccountDir: string;
}

/**
 * A kubeconfig for the pod's own ServiceAccount, so in-cluster use goes through the same path
 * as any cluster. It names files rather than embedding them: the CA is read from `ca.crt` per
 * connection and the token through serviceAccountAuthenticator, so both follow rotation.
 */
export function inClusterKubeconfig(opts: InClusterOptions): string {
  const dir = path.resolve(opts.serviceAccountDir);
  let namespace = 'default';
  try {
    namespace = readFileSync(path.join(dir, 'namespace'), 'utf8').trim() || namespace;
  } catch {
    // not every token mount carries the namespace file
  }
  readFileSync(path.join(dir, 'token')); // fail now, with the path, rather than on the first request
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'in-cluster',
        cluster: {
          server: `https://${host}:${opts.port}`,
          'certificate-authority': path.join(dir, 'ca.crt'),
        },
      },
    ],
    users: [
      {
        name: 'service-account',
        user: { 'auth-provider': { name: SERVICE_ACCOUNT_AUTH, config: { path: path.join(dir, 'token') } } },
      },
    ],
    contexts: [
      { name: 'in-cluster', context: { cluster: 'in-cluster', user: 'service-account', namespace } },
    ],
    'current-context': 'in-cluster',
  });
}
