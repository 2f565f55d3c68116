'use client';
import { useMemo } from 'react';
import type { ChartData } from '@/lib/client/health-series';
import { errorMessage } from '@/lib/client/api-fetch';
import { useNodeUsageHistory } from '@/lib/client/use-node-usage';
import type { NodeUsageHistory } from '@/lib/protocol/node-usage';
import { TimeChart } from '@/components/health/time-chart';

const GiB = 2 ** 30;
/** a fresh watch shows its first minutes across the chart, widening to the hour as samples arrive */
const MIN_WINDOW_SECONDS = 2 * 60;

/** Usage as uPlot columns in display units, with the node's allocatable as a flat line beside it. */
function chartData(
  h: NodeUsageHistory,
  values: (number | null)[],
  allocatable: number | null,
  scale: number,
): ChartData {
  return [
    h.t.map((t) => t / 1000),
    values.map((v) => (v === null ? null : v / scale)),
    h.t.map(() => (allocatable === null ? null : allocatable / scale)),
  ];
}

/**
 * CPU, memory and pod count of one node over the last hour, as the server sampled them while this
 * page (or another viewer's) asked. Pictures first; the legend shows the latest values.
 */
export function UsageCharts({ cluster, node }: { cluster: string; node: string }) {
  const history = useNodeUsageHistory(cluster, node);
  const h = history.data;
  const charts = useMemo(
    () =>
      h && {
        cpu: chartData(h, h.cpuMilli, h.allocatable.cpuMilli, 1000),
        memory: chartData(h, h.memoryBytes, h.allocatable.memoryBytes, GiB),
        pods: chartData(h, h.pods, h.allocatable.pods, 1),
      },
    [h],
  );
  return (
    <section aria-label="Usage over the last hour" className="border-b border-slate-200 bg-white px-4 py-3">
      <h2 className="mb-2 text-xs font-semibold text-slate-700">Last hour</h2>
      {history.error ? (
        <p className="text-xs text-rose-700">
          Usage history could not be read: {errorMessage(history.error)}
        </p>
      ) : !h || !charts ? (
        <p className="text-xs text-slate-600">Loading usage…</p>
      ) : (
        <>
          {h.unavailable && (
            <p className="mb-2 text-xs text-slate-600" data-testid="usage-unavailable">
              CPU and memory: {h.unavailable.message}. Pod counts come from the cluster itself.
            </p>
          )}
          <div className="grid grid-cols-1 gap-4 md:grid-cols-3" data-testid="usage-charts">
            <TimeChart
              title="CPU"
              unit="cores"
              testId="chart-cpu"
              windowSeconds={h.windowSeconds}
              minWindowSeconds={MIN_WINDOW_SECONDS}
              series={[
                { label: 'used', color: '#0284c7' },
                { label: 'allocatable', color: '#94a3b8' },
              ]}
              data={charts.cpu}
            />
            <TimeChart
              title="Memory"
              unit="GiB"
              testId="chart-memory"
              windowSeconds={h.windowSeconds}
              minWindowSeconds={MIN_WINDOW_SECONDS}
              series={[
                { label: 'used', color: '#7c3aed' },
                { label: 'allocatable', color: '#94a3b8' },
              ]}
              data={charts.memory}
            />
            <TimeChart
              title="Pods"
              testId="chart-pods"
              windowSeconds={h.windowSeconds}
              minWindowSeconds={MIN_WINDOW_SECONDS}
              series={[
                { label: 'pods', color: '#059669' },
                { label: 'capacity', color: '#94a3b8' },
              ]}
              data={charts.pods}
            />
          </div>
          <p className="mt-1 text-[11px] text-slate-600">
            Sampled every {h.intervalSeconds} s while someone has this page open.
          </p>
        </>
      )}
    </section>
  );
}
