import { createHash } from 'node:crypto';
import type { Agent } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';

type CreateAgent = (cluster: { server?: string } | null, options: Record<string, unknown>) => Agent;
const patched = new WeakSet<KubeConfig>();

const fingerprint = (v: unknown) =>
  typeof v === 'string' || Buffer.isBuffer(v)
    ? createHash('sha256').update(v).digest('hex').slice(0, 16)
    : v
      ? 'set'
      : '';

/**
 * client-node 1.4 builds a new https.Agent for every request, so each call pays a TLS
 * handshake (20-80 ms here). This makes the KubeConfig reuse one keep-alive agent per
 * server and TLS material, which is what kubectl and client-go do.
 */
export function withKeepAlive(kc: KubeConfig): KubeConfig {
  if (patched.has(kc)) return kc;
  const target = kc as unknown as { createAgent: CreateAgent };
  const original = target.createAgent.bind(kc);
  const agents = new Map<string, Agent>();
  target.createAgent = (cluster, options) => {
    const key = [
      cluster?.server,
      fingerprint(options.ca),
      fingerprint(options.cert),
      fingerprint(options.key),
      String(options.rejectUnauthorized),
    ].join('|');
    let agent = agents.get(key);
    if (!agent) {
      agent = original(cluster, { ...options, keepAlive: true, keepAliveMsecs: 30_000, maxFreeSockets: 16 });
      agents.set(key, agent);
    }
    return agent;
  };
  patched.add(kc);
  return kc;
}
