import { Counter, Gauge, type Registry } from 'prom-client';
import type { PushStats } from '@/lib/push/types';
import type { ClusterStatusInfo } from '@/lib/realtime/cluster-sync';
import { RESTART_REASONS } from '@/lib/realtime/errors';
import type { ClusterSyncState } from '@/lib/realtime/types';

/** What the collectors read at scrape time: the statistics the realtime manager and push hub keep anyway. */
export interface MetricSources {
  manager: {
    statuses(): ClusterStatusInfo[];
    clusterNames(): string[];
    stats(): { cacheHits: number; apiFallbacks: number };
  };
  hub: { stats(): PushStats };
  /** true when the database answers a trivial query */
  dbUp?: () => Promise<boolean>;
}

const STATES: ClusterSyncState[] = ['syncing', 'ready', 'degraded', 'stopped'];
const TRANSPORTS = ['ws', 'sse'] as const;
const RESOURCES = ['nodes', 'pods'] as const;

/**
 * One reading of a source shared by every metric of a scrape: prom-client starts all collect()
 * calls of registry.metrics() in one synchronous pass, so the reading is dropped after it.
 */
function perScrape<T>(read: () => T): () => T {
  let cached: { value: T } | undefined;
  return () => {
    if (!cached) {
      cached = { value: read() };
      queueMicrotask(() => (cached = undefined));
    }
    return cached.value;
  };
}

const seconds = (ms: number | null | undefined) => (ms === null || ms === undefined ? undefined : ms / 1000);
const numericRv = (rv: string): number | undefined => (/^\d{1,15}$/.test(rv) ? Number(rv) : undefined);

type Labels = Record<string, string>;
type Reading = Array<[Labels, number]>;

/**
 * Registers the metrics whose values already exist as plain counters in the realtime manager and
 * the push hub. Counters are exported as the current value of the underlying count: a cluster whose
 * pipeline is rebuilt (new credentials) starts again from 0, which Prometheus treats as a reset.
 */
export function registerCollectors(registry: Registry, sources: MetricSources): void {
  const clusters = perScrape(() => sources.manager.statuses());
  const push = perScrape(() => sources.hub.stats());
  const registers = [registry];

  const gauge = (name: string, help: string, labelNames: string[], read: () => Reading) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const [labels, v] of read()) this.set(labels, v);
      },
    });
  const counter = (name: string, help: string, labelNames: string[], read: () => Reading) =>
    new Counter({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const [labels, v] of read()) this.inc(labels, v);
      },
    });

  // informers and cache: one series per cluster, straight from its status (undefined: no value yet)
  const perCluster: Array<
    ['gauge' | 'counter', string, string, (s: ClusterStatusInfo) => number | undefined]
  > = [
    [
      'gauge',
      'knm_informer_synced',
      '1 once the first complete list of nodes and pods is in the cache.',
      (s) => (s.synced ? 1 : 0),
    ],
    [
      'gauge',
      'knm_informer_sync_duration_seconds',
      'Time from the pipeline start to its first complete list (list → synced).',
      (s) => seconds(s.syncMs),
    ],
    [
      'gauge',
      'knm_informer_lag_seconds',
      'Time since both watch streams last proved live (event, bookmark or accepted watch).',
      (s) => seconds(s.lagMs),
    ],
    [
      'counter',
      'knm_informer_lists_total',
      'Complete lists (initial and relists after 410 Gone) of nodes and pods.',
      (s) => s.stats.lists,
    ],
    [
      'counter',
      'knm_informer_events_received_total',
      'Watch events (ADDED, MODIFIED, DELETED) received for nodes and pods.',
      (s) => s.stats.eventsReceived,
    ],
    [
      'counter',
      'knm_informer_events_emitted_total',
      'Classified node changes emitted to the push hub.',
      (s) => s.stats.eventsEmitted,
    ],
    [
      'counter',
      'knm_informer_events_dropped_total',
      'Events dropped as noise (heartbeats, resourceVersion-only updates).',
      (s) => s.stats.droppedNoise,
    ],
    ['gauge', 'knm_cache_nodes', 'Nodes in the cache.', (s) => s.nodes],
    ['gauge', 'knm_cache_pods', 'Pods in the pod index.', (s) => s.stats.pods],
    [
      'gauge',
      'knm_cache_heap_bytes',
      'Estimated heap held by the cluster cache (summaries, replay log, orders).',
      (s) => s.stats.approxBytes,
    ],
    [
      'gauge',
      'knm_cache_seq',
      'Last change sequence number of the cluster (the push resume point).',
      (s) => s.seq,
    ],
  ];
  for (const [kind, name, help, pick] of perCluster) {
    const read = () =>
      clusters().flatMap((s): Reading => {
        const v = pick(s);
        return v === undefined ? [] : [[{ cluster: s.name }, v]];
      });
    (kind === 'gauge' ? gauge : counter)(name, help, ['cluster'], read);
  }
  const perResource =
    (pick: (s: ClusterStatusInfo, r: (typeof RESOURCES)[number]) => number | undefined) => () =>
      clusters().flatMap((s) =>
        RESOURCES.flatMap((resource): Reading => {
          const v = pick(s, resource);
          return v === undefined ? [] : [[{ cluster: s.name, resource }, v]];
        }),
      );
  gauge(
    'knm_informer_list_duration_seconds',
    'Duration of the last list request (HTTP, parse, reduce) per resource.',
    ['cluster', 'resource'],
    perResource((s, r) => seconds(s.stats.lastListMs[r])),
  );
  gauge(
    'knm_informer_resource_version',
    'resourceVersion each informer has reached (numeric resourceVersions only).',
    ['cluster', 'resource'],
    perResource((s, r) => numericRv(s.stats.resourceVersions[r])),
  );
  gauge(
    'knm_informer_state',
    'Pipeline state per cluster: 1 for the current state, 0 for the others.',
    ['cluster', 'state'],
    () =>
      clusters().flatMap((s) =>
        STATES.map((state): [Labels, number] => [{ cluster: s.name, state }, s.state === state ? 1 : 0]),
      ),
  );
  counter(
    'knm_informer_watch_restarts_total',
    'Watch restarts by resource and reason (timeout is the normal end at timeoutSeconds).',
    ['cluster', 'resource', 'reason'],
    () =>
      clusters().flatMap((s) =>
        RESOURCES.flatMap((resource) =>
          RESTART_REASONS.map((reason): [Labels, number] => [
            { cluster: s.name, resource, reason },
            s.stats.watchRestartsByReason[resource][reason] ?? 0,
          ]),
        ),
      ),
  );

  counter(
    'knm_cache_reads_total',
    'Node reads answered from the cache or by the API-server fallback (the cache hit rate).',
    ['source'],
    () => {
      const st = sources.manager.stats();
      return [
        [{ source: 'cache' }, st.cacheHits],
        [{ source: 'api' }, st.apiFallbacks],
      ];
    },
  );

  // push
  gauge('knm_push_connections', 'Open push connections by transport.', ['transport'], () =>
    TRANSPORTS.map((t): [Labels, number] => [{ transport: t }, push().connections.byTransport[t]]),
  );
  gauge('knm_push_subscriptions', 'Push subscriptions per cluster.', ['cluster'], () =>
    Object.entries(push().clusters).map(([cluster, c]): [Labels, number] => [{ cluster }, c.subscribers]),
  );
  const perTransport = (pick: (c: PushStats['byTransport']['ws']) => number) => () =>
    TRANSPORTS.map((t): [Labels, number] => [{ transport: t }, pick(push().byTransport[t])]);
  counter(
    'knm_push_messages_sent_total',
    'Messages written to push clients by transport.',
    ['transport'],
    perTransport((c) => c.messagesSent),
  );
  counter(
    'knm_push_sent_bytes_total',
    'Bytes (UTF-16 code units of the frames) written to push clients by transport.',
    ['transport'],
    perTransport((c) => c.bytesSent),
  );
  counter(
    'knm_push_slow_consumers_closed_total',
    'Clients closed for buffering more than WS_SLOW_CLIENT_BYTES (4008), by transport.',
    ['transport'],
    perTransport((c) => c.slowConsumersDropped),
  );
  counter(
    'knm_push_resumes_total',
    'Subscriptions resumed from a seq by replaying the missed changes.',
    [],
    () => [[{}, push().resumes]],
  );
  counter(
    'knm_push_resyncs_total',
    'resync messages sent (history too short, too many missed changes, cluster rebuilt).',
    [],
    () => [[{}, push().resyncs]],
  );
  counter(
    'knm_push_rejected_connections_total',
    'Push connections refused by the connection limits.',
    [],
    () => [[{}, push().rejectedConnections]],
  );

  if (sources.dbUp) {
    const dbUp = sources.dbUp;
    new Gauge({
      name: 'knm_db_up',
      help: '1 when the database answered a trivial query during this scrape.',
      registers,
      async collect() {
        this.set((await dbUp()) ? 1 : 0);
      },
    });
  }
}
