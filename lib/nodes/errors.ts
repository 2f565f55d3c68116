import { ApiException } from '@kubernetes/client-node';
import { describeDenial, parseClusterDenial } from '@/lib/shared/cluster-denial';

export type NodeOpErrorCode =
  | 'bad_request'
  | 'invalid'
  | 'not_found'
  | 'forbidden'
  | 'cluster_denied'
  | 'cluster_identity_unavailable'
  | 'conflict'
  | 'too_many_requests'
  | 'timeout'
  | 'blocked'
  | 'unavailable';

const statusOf: Record<NodeOpErrorCode, number> = {
  bad_request: 400,
  invalid: 422,
  not_found: 404,
  forbidden: 403,
  cluster_denied: 403,
  cluster_identity_unavailable: 403,
  conflict: 409,
  too_many_requests: 429,
  timeout: 504,
  blocked: 409,
  unavailable: 502,
};

/** A node operation's failure, naming the node and the reason; route handlers map it to JSON once. */
export class NodeOpError extends Error {
  override name = 'NodeOpError';
  readonly httpStatus: number;
  constructor(
    readonly code: NodeOpErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.httpStatus = statusOf[code];
  }
}

interface K8sStatus {
  message?: string;
  reason?: string;
  details?: { causes?: Array<{ field?: string; message?: string; reason?: string }> };
}

function parseStatus(body: unknown): K8sStatus {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as K8sStatus;
    } catch {
      return { message: body };
    }
  }
  return body && typeof body === 'object' ? body : {};
}

/** HTTP status of a client-node error, or undefined for network-level failures. */
export function k8sStatusCode(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

/** Maps a Kubernetes API failure to a NodeOpError that says which node and why. */
export function fromK8sError(err: unknown, what: string): NodeOpError {
  if (err instanceof NodeOpError) return err;
  // the user cannot be represented to the cluster (oidc-token mode without a single sign-on token)
  if (err instanceof Error && err.name === 'IdentityError')
    return new NodeOpError('cluster_identity_unavailable', `${what}: ${err.message}`);
  if (!(err instanceof ApiException)) {
    const msg = err instanceof Error ? err.message : String(err);
    return new NodeOpError('unavailable', `${what}: the API server could not be reached (${msg})`);
  }
  const status = parseStatus(err.body);
  const reason = status.message ?? status.reason ?? `HTTP ${err.code}`;
  const causes = status.details?.causes;
  switch (err.code) {
    case 400:
    case 422:
      return new NodeOpError(
        'invalid',
        `${what}: rejected by the API server: ${reason}`,
        causes ? { causes } : undefined,
      );
    case 403: {
      // the cluster's RBAC refused the identity it saw (the user's, when impersonating): say who and what
      const denial = parseClusterDenial(status.message ?? '');
      if (denial)
        return new NodeOpError('cluster_denied', `${what}: ${describeDenial(denial)}`, {
          denial,
          clusterMessage: status.message,
        });
      return new NodeOpError(
        'forbidden',
        `${what}: the cluster's credentials are not allowed to do this: ${reason}`,
      );
    }
    case 401:
      return new NodeOpError(
        'forbidden',
        `${what}: the cluster's credentials are not allowed to do this: ${reason}`,
      );
    case 404:
      return new NodeOpError('not_found', `${what}: not found`);
    case 409:
      return new NodeOpError('conflict', `${what}: ${reason}`);
    case 429: {
      // an eviction's refusal names the PodDisruptionBudget only in its causes
      const why = causes?.flatMap((c) => (c.message ? [c.message] : [])).join('; ');
      return new NodeOpError(
        'too_many_requests',
        `${what}: ${reason}${why ? ` (${why})` : ''}`,
        causes ? { causes } : undefined,
      );
    }
    default:
      return new NodeOpError('unavailable', `${what}: the API server answered ${err.code}: ${reason}`);
  }
}
