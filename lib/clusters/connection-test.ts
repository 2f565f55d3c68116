import { ApiException, CoreV1Api, KubeConfig, Observable, VersionApi } from '@kubernetes/client-node';
import type { ConfigurationOptions, RequestContext, ResponseContext } from '@kubernetes/client-node';
import { ClusterConnectionError } from './errors';
import { notKubernetes } from './server-url';

export interface ConnectionTestResult {
  /** gitVersion reported by /version */
  version: string;
  /** nodes visible in the one-item probe list (0 or 1) */
  nodesListed: number;
  latencyMs: number;
}

function errCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A Kubernetes `Status` object: the one error body only an API server (or a faithful fake) sends. */
function isK8sStatus(body: unknown): boolean {
  let v: unknown = body;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return false;
    }
  }
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'Status';
}

/** The precise cause, for the server log only (it would tell a caller which ports are open). */
export function describeConnectionError(err: unknown): string {
  if (err instanceof ApiException) return `HTTP ${(err as ApiException<unknown>).code}`;
  const name = (err as { name?: unknown }).name;
  if (name === 'AbortError') return 'timeout';
  return errCode(err) ?? (err instanceof Error ? err.message.slice(0, 200) : 'unknown');
}

/**
 * Maps a connection-test failure to one secret-free error. Until the server has proved to be a
 * Kubernetes API server (answered /version with a gitVersion, or an error as a Kubernetes
 * Status object), every failure gets the same answer: closed port, open port, TLS listener,
 * some other HTTP server, unknown host and timeout must be indistinguishable, or the
 * registration form becomes a port scanner. Once it has, 401/403 and other errors are specific.
 */
export function classifyConnectionError(
  err: unknown,
  server: string,
  provenKubernetes = false,
): ClusterConnectionError {
  if (err instanceof ClusterConnectionError) return err;
  if (err instanceof ApiException) {
    const e = err as ApiException<unknown>;
    const status = e.code;
    if (provenKubernetes || isK8sStatus(e.body)) {
      if (status === 401) {
        return new ClusterConnectionError(
          'unauthorized',
          'The API server rejected the credentials (HTTP 401): the token or client certificate is invalid or expired.',
        );
      }
      if (status === 403) {
        return new ClusterConnectionError(
          'forbidden',
          'The credentials were accepted but may not list nodes (HTTP 403): grant get/list/watch on nodes to this user.',
        );
      }
      if (provenKubernetes)
        return new ClusterConnectionError('api_error', `The API server answered HTTP ${status}.`);
    }
  }
  return notKubernetes(server);
}

function abortOptions(signal: AbortSignal): ConfigurationOptions {
  return {
    middleware: [
      {
        pre: (ctx: RequestContext) => {
          ctx.setSignal(signal);
          return new Observable(Promise.resolve(ctx));
        },
        post: (res: ResponseContext) => new Observable(Promise.resolve(res)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}

/**
 * Proves a kubeconfig works before it is saved: GET /version, then list nodes with limit=1
 * (the permission the app needs most). One deadline covers both calls.
 */
export async function testConnection(
  kubeconfigYaml: string,
  server: string,
  timeoutMs = 10_000,
): Promise<ConnectionTestResult> {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfigYaml);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const started = Date.now();
  let proven = false;
  try {
    const options = abortOptions(controller.signal);
    const version = await kc.makeApiClient(VersionApi).getCode(options);
    if (!version || typeof version.gitVersion !== 'string') throw notKubernetes(server);
    proven = true;
    const nodes = await kc.makeApiClient(CoreV1Api).listNode({ limit: 1 }, options);
    return {
      version: version.gitVersion,
      nodesListed: nodes.items?.length ?? 0,
      latencyMs: Date.now() - started,
    };
  } catch (err) {
    const mapped = classifyConnectionError(err, server, proven);
    // The precise cause goes to the server log (ClusterService logs it), never to the caller.
    throw Object.assign(mapped, { detail: describeConnectionError(err) });
  } finally {
    clearTimeout(timer);
  }
}
