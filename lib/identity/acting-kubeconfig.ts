import type { KubeConfig } from '@kubernetes/client-node';

/** Whose identity requests made through a derived KubeConfig carry. */
export type ActingAs =
  | { kind: 'impersonate'; user: string; groups: string[] }
  /** the user's own bearer token (an OIDC ID token), fetched per request so it can be refreshed */
  | { kind: 'token'; token: () => Promise<string> };

type Headers = Record<string, string | string[] | number>;
interface HttpsOpts {
  headers?: Headers;
  cert?: unknown;
  key?: unknown;
}
interface RequestContextLike {
  getHeaders(): Record<string, string>;
}
/** The KubeConfig internals client-node calls for every request (typings hide some of them). */
interface KubeConfigInternals {
  applyOptions(opts: HttpsOpts): Promise<void>;
  applyHTTPSOptions(opts: HttpsOpts): void;
  applySecurityAuthentication(context: RequestContextLike): Promise<void>;
}

/**
 * A view of `kc` (same cluster, CA and keep-alive agents) whose every request acts as someone else:
 * `impersonate` adds Impersonate-User and one Impersonate-Group header per group; `token` replaces
 * the kubeconfig's credentials (client certificate included, which kube-apiserver would otherwise
 * prefer) with the user's bearer token. Both client-node request paths are covered: generated API
 * clients (applySecurityAuthentication) and watches/streams (applyToHTTPSOptions/applyToFetchOptions).
 */
export function actingKubeConfig(kc: KubeConfig, as: ActingAs): KubeConfig {
  const base = kc as unknown as KubeConfigInternals;
  const view = Object.create(kc) as KubeConfigInternals;
  view.applyOptions = async (opts) => {
    if (as.kind === 'token') {
      base.applyHTTPSOptions.call(view, opts);
      delete opts.cert;
      delete opts.key;
      opts.headers = { ...opts.headers, Authorization: `Bearer ${await as.token()}` };
      return;
    }
    await base.applyOptions.call(view, opts);
    opts.headers = { ...opts.headers, 'Impersonate-User': as.user };
    if (as.groups.length) opts.headers['Impersonate-Group'] = as.groups;
  };
  view.applySecurityAuthentication = async (context) => {
    await base.applySecurityAuthentication.call(view, context);
    if (as.kind !== 'impersonate' || as.groups.length === 0) return;
    // client-node copies headers into a plain object, which would join the groups with commas into one
    // (wrong) group; node-fetch also accepts header pairs, which keeps one header line per group
    const headersOf = context.getHeaders.bind(context);
    context.getHeaders = () =>
      [
        ...Object.entries(headersOf()).filter(([k]) => k !== 'Impersonate-Group'),
        ...as.groups.map((g) => ['Impersonate-Group', g]),
      ] as unknown as Record<string, string>;
  };
  return view as unknown as KubeConfig;
}
