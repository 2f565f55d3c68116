/** Stable codes the UI can switch on; messages never contain kubeconfig secret material. */
export type KubeconfigErrorCode =
  'invalid_yaml' | 'invalid_kubeconfig' | 'unknown_context' | 'unsupported_auth' | 'too_large';

export type ConnectionErrorCode =
  | 'tls_untrusted'
  | 'tls_error'
  | 'unauthorized'
  | 'forbidden'
  | 'unreachable'
  | 'dns'
  | 'timeout'
  | 'not_kubernetes'
  | 'host_denied'
  | 'api_error';

export class KubeconfigError extends Error {
  readonly httpStatus = 400;
  constructor(
    readonly code: KubeconfigErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'KubeconfigError';
  }
}

/** The kubeconfig parsed but the cluster could not be used with it (422: request understood, data unusable). */
export class ClusterConnectionError extends Error {
  readonly httpStatus = 422;
  /** the precise low-level cause, for the server log only */
  detail?: string;
  constructor(
    readonly code: ConnectionErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ClusterConnectionError';
  }
}

export class ClusterError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ClusterError';
  }
}
