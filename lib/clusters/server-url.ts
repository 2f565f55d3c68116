import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { HostDenylist } from '@/lib/config';
import { inList } from '@/lib/http/request-meta';
import { ClusterConnectionError, KubeconfigError } from './errors';

/** A path prefix such as Rancher's `/k8s/clusters/c-m-abc`: plain segments, nothing to smuggle. */
const PATH_PREFIX = /^(\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*\/?$/;

/**
 * A kubeconfig's `server`: an http(s) origin, optionally with a plain path prefix. No userinfo
 * (it would be shown and logged), no query or fragment, no dot segments or escapes (the
 * connection test must not become a way to fetch arbitrary URLs).
 */
export function validateServerUrl(server: string, field: string): URL {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new KubeconfigError('invalid_kubeconfig', `${field} must be an http(s) URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new KubeconfigError('invalid_kubeconfig', `${field} must be an http(s) URL`);
  if (url.username || url.password || /^[a-z]+:\/\/[^/]*@/i.test(server))
    throw new KubeconfigError('invalid_kubeconfig', `${field} must not contain credentials`);
  if (url.search || url.hash || /[?#]/.test(server))
    throw new KubeconfigError('invalid_kubeconfig', `${field} must not have a query or fragment`);
  const rawPath = server.replace(/^[a-z]+:\/\/[^/]*/i, '');
  if (!PATH_PREFIX.test(rawPath) || rawPath.length > 200)
    throw new KubeconfigError(
      'invalid_kubeconfig',
      `${field} may only have a plain path prefix such as /k8s/clusters/name (no dot segments or escapes)`,
    );
  return url;
}

type Lookup = (host: string) => Promise<Array<{ address: string }>>;
const defaultLookup: Lookup = (host) => dnsLookup(host, { all: true, verbatim: true });

/**
 * Refuses an API server whose host is, or resolves to, a denied address (CLUSTER_HOST_DENYLIST:
 * link-local and cloud metadata by default). Loopback stays allowed: local clusters live there.
 * A name that does not resolve gets the same answer as any other non-Kubernetes server.
 */
export async function assertHostAllowed(url: URL, denylist: HostDenylist, lookup: Lookup = defaultLookup) {
  if (denylist.entries.length === 0) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await lookup(host)).map((a) => a.address);
    } catch {
      throw notKubernetes(url.origin);
    }
  }
  const denied = addresses.find((a) => inList(denylist.list, a));
  if (denied) {
    throw new ClusterConnectionError(
      'host_denied',
      `${url.host} is in a denied address range (CLUSTER_HOST_DENYLIST); clusters cannot be registered there`,
    );
  }
}

/** The one answer for anything that did not prove to be a Kubernetes API server. */
export function notKubernetes(server: string): ClusterConnectionError {
  return new ClusterConnectionError(
    'not_kubernetes',
    `No Kubernetes API server answered at ${server}. Check the URL, that this app can reach it, and that the kubeconfig's certificate-authority-data matches the server's certificate.`,
  );
}
