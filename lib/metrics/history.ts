import type { Registry } from 'prom-client';
import type { HealthHistory, HealthSample } from '@/lib/protocol/health';
import { SampleRing, toSample, type Buckets, type RawReading } from './history-core';

type Values = Array<{ value: number; labels: Record<string, string | number>; metricName?: string }>;

const WINDOW_SECONDS = 15 * 60;

async function values(registry: Registry, name: string): Promise<Values> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return [];
  return ((await metric.get()) as { values: Values }).values;
}

const sumBy = (vals: Values, label: string) => {
  const out = new Map<string, number>();
  for (const v of vals) {
    const key = String(v.labels[label] ?? '');
    out.set(key, (out.get(key) ?? 0) + v.value);
  }
  return out;
};

const le = (v: string | number | undefined) => (v === '+Inf' ? Infinity : Number(v));

/** Reads, through the registry (so exactly what /api/metrics shows), the numbers the health page charts. */
export async function readRegistry(registry: Registry, t: number): Promise<RawReading> {
  // one at a time on purpose: prom-client sets the heap gauges in nodejs_heap_size_total_bytes's collect
  const read: Values[] = [];
  for (const name of [
    'knm_informer_state',
    'knm_cache_nodes',
    'knm_informer_events_received_total',
    'knm_informer_events_emitted_total',
    'knm_push_subscriptions',
    'knm_informer_watch_restarts_total',
    'knm_push_delivery_seconds',
    'knm_push_connections',
    'knm_push_messages_sent_total',
    'nodejs_heap_size_total_bytes',
    'nodejs_heap_size_used_bytes',
  ])
    read.push(await values(registry, name));
  const [states, nodes, received, emitted, subs, restarts, delivery, conns, messages, , heap] = read;
  const byCluster = (vals: Values) => sumBy(vals, 'cluster');
  const [nodesBy, receivedBy, emittedBy, subsBy] = [nodes!, received!, emitted!, subs!].map(byCluster);
  const restartsBy = sumBy(
    restarts!.filter((v) => v.labels.reason !== 'timeout'),
    'cluster',
  );
  const buckets = new Map<string, Buckets>();
  for (const v of delivery!) {
    if (!v.metricName?.endsWith('_bucket')) continue;
    const cluster = String(v.labels.cluster);
    if (!buckets.has(cluster)) buckets.set(cluster, []);
    buckets.get(cluster)!.push([le(v.labels.le), v.value]);
  }
  const clusters: RawReading['clusters'] = {};
  for (const s of states!) {
    if (s.value !== 1) continue;
    const name = String(s.labels.cluster);
    clusters[name] = {
      state: s.labels.state as RawReading['clusters'][string]['state'],
      nodes: nodesBy!.get(name) ?? 0,
      received: receivedBy!.get(name) ?? 0,
      emitted: emittedBy!.get(name) ?? 0,
      subscriptions: subsBy!.get(name) ?? 0,
      watchRestarts: restartsBy.get(name) ?? 0,
      delivery: buckets.get(name) ?? [],
    };
  }
  const connsBy = sumBy(conns!, 'transport');
  return {
    t,
    connections: { ws: connsBy.get('ws') ?? 0, sse: connsBy.get('sse') ?? 0 },
    messagesSent: messages!.reduce((a, v) => a + v.value, 0),
    heapUsedBytes: heap![0]?.value ?? null,
    clusters,
  };
}

/**
 * The health page's memory: every `intervalMs` a reading of the registry becomes one sample (rates
 * and latency quantiles over the interval), and the last 15 minutes are kept. Works without any
 * Prometheus; its numbers are the ones /api/metrics exports.
 */
export class MetricsHistory {
  private readonly ring: SampleRing<HealthSample>;
  private last: RawReading | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> | undefined;

  constructor(
    private readonly registry: Registry,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.ring = new SampleRing(Math.ceil((WINDOW_SECONDS * 1000) / intervalMs));
  }

  start(): void {
    if (this.timer) return;
    void this.sample();
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Takes one reading now; concurrent calls share it. Never rejects (a failed reading is skipped). */
  sample(): Promise<void> {
    this.sampling ??= (async () => {
      try {
        const reading = await readRegistry(this.registry, this.now());
        if (this.last) this.ring.push(toSample(this.last, reading));
        this.last = reading;
      } catch {
        // a reading that fails (a collector threw) leaves a gap in the charts, nothing more
      } finally {
        this.sampling = undefined;
      }
    })();
    return this.sampling;
  }

  snapshot(): HealthHistory {
    return {
      intervalSeconds: this.intervalMs / 1000,
      windowSeconds: WINDOW_SECONDS,
      samples: this.ring.toArray(),
    };
  }
}
