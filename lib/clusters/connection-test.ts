import { ApiException, CoreV1Api, KubeConfig, Observable, VersionApi } from '@kubernetes/client-node';
import type { ConfigurationOptions, RequestContext, ResponseContext } from '@kubernetes/client-node';
import { ClusterConnectionError } from './errors';

export interface ConnectionTestResult {
  /** gitVersion reported by /version */
  version: string;
  /** nodes visible in the one-item probe list (0 or 1) */
  nodesListed: number;
  latencyMs: number;
}

const TLS_UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
]);
const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);

function errCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Maps a client-node / fetch / TLS failure to one clear, secret-free error. */
export function classifyConnectionError(
  err: unknown,
  server: string,
  timeoutMs: number,
): ClusterConnectionError {
  if (err instanceof ClusterConnectionError) return err;
  if (err instanceof ApiException) {
    const status = (err as ApiException<unknown>).code;
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
    if (status === 404)
      return new ClusterConnectionError(
        'not_kubernetes',
        `${server} does not look like a Kubernetes API server (HTTP 404).`,
      );
    return new ClusterConnectionError('api_error', `The API server answered HTTP ${status}.`);
  }
  const name = (err as { name?: unknown }).name;
  if (name === 'AbortError') {
    return new ClusterConnectionError(
      'timeout',
      `The API server at ${server} did not answer within ${timeoutMs / 1000} s.`,
    );
  }
  const code = errCode(err);
  if (code && TLS_UNTRUSTED.has(code)) {
    return new ClusterConnectionError(
      'tls_untrusted',
      `The API server's TLS certificate is not trusted (${code}: self-signed or unknown certificate authority). Include the cluster CA as certificate-authority-data.`,
    );
  }
  if (
    code &&
    (code.startsWith('ERR_TLS') ||
      code.startsWith('ERR_SSL') ||
      code === 'EPROTO' ||
      code.startsWith('CERT_'))
  ) {
    return new ClusterConnectionError('tls_error', `TLS handshake with ${server} failed (${code}).`);
  }
  if (code && DNS.has(code)) {
    return new ClusterConnectionError('dns', `Cannot resolve the API server host of ${server} (${code}).`);
  }
  if (code && UNREACHABLE.has(code)) {
    return new ClusterConnectionError('unreachable', `Cannot reach the API server at ${server} (${code}).`);
  }
  if (code === 'ETIMEDOUT') {
    return new ClusterConnectionError('timeout', `Connecting to ${server} timed out (ETIMEDOUT).`);
  }
  const message = (err as { message?: unknown }).message;
  if (err instanceof SyntaxError || (typeof message === 'string' && /JSON|parse/i.test(message))) {
    return new ClusterConnectionError(
      'not_kubernetes',
      `${server} answered, but not like a Kubernetes API server.`,
    );
  }
  return new ClusterConnectionError(
    'unreachable',
    `Cannot talk to the API server at ${server}${code ? ` (${code})` : ''}.`,
  );
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
  try {
    const options = abortOptions(controller.signal);
    const version = await kc.makeApiClient(VersionApi).getCode(options);
    if (!version || typeof version.gitVersion !== 'string') {
      throw new ClusterConnectionError(
        'not_kubernetes',
        `${server} answered /version without a Kubernetes version.`,
      );
    }
    const nodes = await kc.makeApiClient(CoreV1Api).listNode({ limit: 1 }, options);
    return {
      version: version.gitVersion,
      nodesListed: nodes.items?.length ?? 0,
      latencyMs: Date.now() - started,
    };
  } catch (err) {
    throw classifyConnectionError(err, server, timeoutMs);
  } finally {
    clearTimeout(timer);
  }
}
