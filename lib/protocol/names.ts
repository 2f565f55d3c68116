import { z } from 'zod';

/**
 * Name rules and enums of the wire: every route, push message, the realtime manager, the
 * simulator and the browser's forms take them from here, so a name valid on one side is valid
 * on every side.
 */

/** A cluster name is a DNS-1123 label: 1-63 lowercase letters, digits or '-', alphanumeric at both ends. */
export const clusterNameRe = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const CLUSTER_NAME_RULE =
  '1-63 lowercase letters, digits or -, starting and ending with a letter or digit';
/** A DNS-1123 label named for the field it checks (cluster and template names). */
export const dnsLabelSchema = (what: string) =>
  z.string().regex(clusterNameRe, { message: `must be a ${what} name (${CLUSTER_NAME_RULE})` });
export const clusterNameSchema = dnsLabelSchema('cluster');

export function isClusterName(name: unknown): name is string {
  return typeof name === 'string' && clusterNameRe.test(name);
}

/** A node name is a DNS-1123 subdomain (what kube-apiserver accepts for a Node), at most 253 characters. */
export const dns1123SubdomainRe = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const NODE_NAME_MAX = 253;
export const nodeNameSchema = z
  .string()
  .min(1)
  .max(NODE_NAME_MAX)
  .regex(dns1123SubdomainRe, { message: 'must be a valid node name (lowercase letters, digits, - and .)' });

export function isNodeName(name: string): boolean {
  return name.length <= NODE_NAME_MAX && dns1123SubdomainRe.test(name);
}

/** Account roles, most privileged first. */
export const roles = ['admin', 'operator', 'viewer'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

/** What an API token may do. */
export const tokenScopes = ['read', 'write'] as const;
export const tokenScopeSchema = z.enum(tokenScopes);
export type TokenScope = z.infer<typeof tokenScopeSchema>;

/** How a request authenticated. */
export const authViaSchema = z.enum(['session', 'token']);
