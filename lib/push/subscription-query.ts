import { parseResumeId } from './frames';
import type { SubscriptionRequest } from './types';

export type SubscriptionQuery =
  { ok: true; subscriptions: SubscriptionRequest[] } | { ok: false; field: string; message: string };

const MAX_CLUSTERS = 64;

/**
 * Reads `?cluster=a&cluster=b` (or `cluster=a,b`) and the resume point: `since=N` applies to every
 * listed cluster (meant for one), `since=a:5,b:7` per cluster; an SSE Last-Event-ID wins over both.
 */
export function parseSubscriptionQuery(
  params: URLSearchParams,
  lastEventId?: string | null,
): SubscriptionQuery {
  const clusters: string[] = [];
  for (const value of params.getAll('cluster')) {
    for (const part of value.split(',')) {
      const name = part.trim();
      if (name.length === 0 || name.length > 63) {
        return { ok: false, field: 'cluster', message: 'cluster: expected a name of 1 to 63 characters' };
      }
      if (!clusters.includes(name)) clusters.push(name);
    }
  }
  if (clusters.length > MAX_CLUSTERS) {
    return {
      ok: false,
      field: 'cluster',
      message: `cluster: at most ${MAX_CLUSTERS} clusters per connection`,
    };
  }
  const since = params.get('since');
  let uniform: number | undefined;
  let perCluster = new Map<string, number>();
  if (since !== null && since !== '') {
    if (/^\d{1,15}$/.test(since)) uniform = Number(since);
    else {
      perCluster = parseResumeId(since);
      if (perCluster.size === 0) {
        return {
          ok: false,
          field: 'since',
          message: 'since: expected a non-negative integer or cluster:seq pairs',
        };
      }
    }
  }
  const resume = parseResumeId(lastEventId);
  const subscriptions = clusters.map((cluster): SubscriptionRequest => {
    const seq = resume.get(cluster) ?? perCluster.get(cluster) ?? uniform;
    return seq === undefined ? { cluster } : { cluster, since: seq };
  });
  return { ok: true, subscriptions };
}
