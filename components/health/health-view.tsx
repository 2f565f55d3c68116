'use client';
import { useMemo } from 'react';
import { ErrorBox } from '@/components/ui/error-box';
import {
  clusterColumns,
  clusterNames,
  columns,
  stateSpans,
  type StateSpan,
} from '@/lib/client/health-series';
import { useHealthHistory } from '@/lib/client/use-health-history';
import type { HealthSample } from '@/lib/protocol/health';
import { TimeChart } from './time-chart';

const color = { sky: '#0ea5e9', emerald: '#10b981', amber: '#f59e0b', rose: '#f43f5e', violet: '#8b5cf6' };

// the state as text: tinted, with 4.5:1 text (the bar colours above are too light under white text)
const pillStyle: Record<StateSpan['state'], string> = {
  ready: 'bg-emerald-50 text-emerald-800 ring-emerald-600/30',
  syncing: 'bg-sky-50 text-sky-800 ring-sky-600/30',
  degraded: 'bg-rose-50 text-rose-800 ring-rose-600/30',
  stopped: 'bg-slate-100 text-slate-700 ring-slate-500/30',
  absent: 'bg-slate-100 text-slate-700 ring-slate-500/30',
};

const stateStyle: Record<StateSpan['state'], string> = {
  ready: 'bg-emerald-500',
  syncing: 'bg-sky-400',
  degraded: 'bg-rose-500',
  stopped: 'bg-slate-400',
  absent: 'bg-slate-200',
};

function StateStrip({ spans, samples }: { spans: StateSpan[]; samples: HealthSample[] }) {
  const first = samples[0]?.t ?? 0;
  const last = samples[samples.length - 1]?.t ?? first;
  const total = Math.max(1, last - first);
  return (
    <div className="flex h-2 w-full overflow-hidden rounded bg-slate-100" aria-label="state over the window">
      {spans.map((s) => (
        <div
          key={s.from}
          title={`${s.state} ${new Date(s.from).toLocaleTimeString()}–${new Date(s.to).toLocaleTimeString()}`}
          className={stateStyle[s.state]}
          style={{
            width: `${Math.max(0.5, ((s.to - s.from + total / Math.max(1, samples.length)) / total) * 100)}%`,
          }}
        />
      ))}
    </div>
  );
}

function Card({
  title,
  aside,
  children,
  testId,
}: {
  title: string;
  aside?: React.ReactNode;
  children: React.ReactNode;
  testId: string;
}) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white" data-testid={testId}>
      <header className="flex items-center gap-3 border-b border-slate-200 px-4 py-2">
        <h2 className="text-sm font-semibold">{title}</h2>
        {aside}
      </header>
      <div className="flex flex-col gap-3 p-4">{children}</div>
    </section>
  );
}

function ClusterCard({ name, samples }: { name: string; samples: HealthSample[] }) {
  const latest = samples[samples.length - 1]?.clusters[name];
  const data = useMemo(
    () => ({
      events: clusterColumns(samples, name, [(c) => c.eventsPerSecond, (c) => c.emittedPerSecond]),
      latency: clusterColumns(samples, name, [(c) => c.pushP50Ms, (c) => c.pushP99Ms]),
      subs: clusterColumns(samples, name, [(c) => c.subscriptions]),
    }),
    [samples, name],
  );
  const state = latest?.state ?? 'absent';
  return (
    <Card
      title={name}
      testId={`health-cluster-${name}`}
      aside={
        <span className="flex items-center gap-3 text-xs text-slate-500">
          <span
            data-testid="cluster-state"
            className={`rounded px-1.5 py-px text-[11px] font-medium ring-1 ring-inset ${pillStyle[state]}`}
          >
            {state}
          </span>
          {latest && (
            <>
              <span>{latest.nodes} nodes</span>
              <span>{latest.watchRestarts} watch restarts (not counting timeouts)</span>
            </>
          )}
        </span>
      }
    >
      <StateStrip spans={stateSpans(samples, name)} samples={samples} />
      <div className="grid grid-cols-1 gap-4 md:grid-cols-3">
        <TimeChart
          testId="chart-events"
          title="Watch events per second"
          unit="/s"
          series={[
            { label: 'received', color: color.sky },
            { label: 'emitted', color: color.emerald },
          ]}
          data={data.events}
        />
        <TimeChart
          testId="chart-latency"
          title="Push latency, cache apply → socket write"
          unit="ms"
          series={[
            { label: 'p50', color: color.violet },
            { label: 'p99', color: color.rose },
          ]}
          data={data.latency}
        />
        <TimeChart
          testId="chart-subscriptions"
          title="Subscriptions"
          series={[{ label: 'clients', color: color.amber }]}
          data={data.subs}
        />
      </div>
    </Card>
  );
}

/** Admin health page: the process and every cluster over the last 15 minutes, from the app's own metrics. */
export function HealthView() {
  const { data, error, isPending } = useHealthHistory();
  const samples = useMemo(() => data?.samples ?? [], [data]);
  const process = useMemo(
    () => ({
      connections: columns(samples, [(s) => s.connections.ws, (s) => s.connections.sse]),
      messages: columns(samples, [(s) => s.messagesPerSecond]),
      heap: columns(samples, [(s) => (s.heapUsedBytes === null ? null : s.heapUsedBytes / 2 ** 20)]),
    }),
    [samples],
  );
  const names = useMemo(() => clusterNames(samples), [samples]);
  return (
    <div className="mx-auto flex max-w-6xl flex-col gap-4 overflow-auto p-4" data-testid="health-view">
      <div>
        <h1 className="text-base font-semibold">Health</h1>
        <p className="text-xs text-slate-500">
          Last 15 minutes, one sample every {data?.intervalSeconds ?? '…'} s, read from the same registry that
          /api/metrics exports. Works without Prometheus; for longer history scrape /api/metrics.
        </p>
      </div>
      <ErrorBox error={error} />
      {isPending && <p className="text-xs text-slate-500">Loading…</p>}
      {data && samples.length < 2 && (
        <p className="text-xs text-slate-500" data-testid="health-warming">
          Collecting the first samples…
        </p>
      )}
      {data && (
        <Card title="This process" testId="health-process">
          <div className="grid grid-cols-1 gap-4 md:grid-cols-3">
            <TimeChart
              testId="chart-connections"
              title="Push connections"
              series={[
                { label: 'WebSocket', color: color.sky },
                { label: 'SSE', color: color.amber },
              ]}
              data={process.connections}
            />
            <TimeChart
              testId="chart-messages"
              title="Push messages per second"
              unit="/s"
              series={[{ label: 'sent', color: color.emerald }]}
              data={process.messages}
            />
            <TimeChart
              testId="chart-heap"
              title="Heap used"
              unit="MiB"
              series={[{ label: 'heap', color: color.rose }]}
              data={process.heap}
            />
          </div>
        </Card>
      )}
      {names.map((name) => (
        <ClusterCard key={name} name={name} samples={samples} />
      ))}
    </div>
  );
}
