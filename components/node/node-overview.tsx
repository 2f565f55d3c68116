import {
  formatAge,
  formatBytes,
  formatCpuMilli,
  parseCpuMilli,
  parseQuantity,
  usageRatio,
} from '@/lib/shared/quantity-format';
import { toNodeRow } from '@/lib/shared/node-row';
import type { NodeDetail } from '@/lib/protocol/rest';
import type { NodeSummary } from '@/lib/protocol/node-summary';
import { UsageBar } from '@/components/ui/usage-bar';

function Row({ k, children }: { k: string; children: React.ReactNode }) {
  return (
    <>
      <dt className="text-slate-500">{k}</dt>
      <dd className="min-w-0 truncate text-slate-800">{children}</dd>
    </>
  );
}

export function NodeOverview({ node, detail, now }: { node: NodeSummary; detail?: NodeDetail; now: number }) {
  const m = toNodeRow(node);
  const info = node.static.nodeInfo;
  const usage = detail?.metrics;
  return (
    <div className="flex flex-col gap-4 text-xs">
      <section className="grid grid-cols-2 gap-3">
        <div className="rounded border border-slate-200 p-2">
          <div className="mb-1 font-semibold text-slate-600">CPU requests</div>
          <UsageBar ratio={usageRatio(m.cpuRequestsMilli, m.cpuAllocatableMilli)} label="" />
          <div className="mt-1 text-slate-500">
            {formatCpuMilli(m.cpuRequestsMilli)} of {formatCpuMilli(m.cpuAllocatableMilli)} allocatable
            {usage && <> · usage {formatCpuMilli(parseCpuMilli(usage.cpu))}</>}
          </div>
        </div>
        <div className="rounded border border-slate-200 p-2">
          <div className="mb-1 font-semibold text-slate-600">Memory requests</div>
          <UsageBar ratio={usageRatio(m.memoryRequestsBytes, m.memoryAllocatableBytes)} label="" />
          <div className="mt-1 text-slate-500">
            {formatBytes(m.memoryRequestsBytes)} of {formatBytes(m.memoryAllocatableBytes)} allocatable
            {usage && <> · usage {formatBytes(parseQuantity(usage.memory))}</>}
          </div>
        </div>
      </section>
      <section>
        <h3 className="mb-1 font-semibold text-slate-700">Conditions</h3>
        <table className="w-full">
          <tbody>
            {node.conditions.map((c) => {
              const bad = c.type === 'Ready' ? c.status !== 'True' : c.status === 'True';
              return (
                <tr key={c.type} className="border-b border-slate-100 last:border-0" title={c.message}>
                  <td className="py-1 pr-2 font-medium text-slate-700">{c.type}</td>
                  <td className={`py-1 pr-2 ${bad ? 'font-semibold text-rose-700' : 'text-emerald-700'}`}>
                    {c.status}
                  </td>
                  <td className="py-1 pr-2 text-slate-500">{c.reason}</td>
                  <td className="py-1 text-right text-slate-500">
                    {c.lastTransitionTime ? formatAge(c.lastTransitionTime, now) : ''}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      <section>
        <h3 className="mb-1 font-semibold text-slate-700">System</h3>
        <dl className="grid grid-cols-[9rem_1fr] gap-x-3 gap-y-1">
          <Row k="Kubelet">{info.kubeletVersion}</Row>
          <Row k="OS image">{info.osImage}</Row>
          <Row k="Kernel">{info.kernelVersion}</Row>
          <Row k="Runtime">{info.containerRuntimeVersion}</Row>
          <Row k="Architecture">
            {info.operatingSystem}/{info.architecture}
          </Row>
          {node.podCIDR && <Row k="Pod CIDR">{node.podCIDR}</Row>}
          {node.static.addresses.map((a) => (
            <Row key={`${a.type}-${a.address}`} k={a.type}>
              <span className="font-mono">{a.address}</span>
            </Row>
          ))}
          <Row k="Created">
            {node.creationTimestamp} ({formatAge(node.creationTimestamp, now)})
          </Row>
          <Row k="UID">
            <span className="font-mono text-[11px]">{node.uid}</span>
          </Row>
        </dl>
      </section>
      <Annotations annotations={node.annotations} />
      <section>
        <h3 className="mb-1 font-semibold text-slate-700">Capacity / allocatable</h3>
        <dl className="grid grid-cols-[9rem_1fr] gap-x-3 gap-y-1">
          {Object.entries(node.static.capacity).map(([k, v]) => (
            <Row key={k} k={k}>
              {v} / {node.static.allocatable[k] ?? '—'}
            </Row>
          ))}
        </dl>
      </section>
    </div>
  );
}

function Annotations({ annotations }: { annotations: Record<string, string> }) {
  const entries = Object.entries(annotations).sort(([a], [b]) => a.localeCompare(b));
  return (
    <section data-testid="node-annotations">
      <h3 className="mb-1 font-semibold text-slate-700">Annotations ({entries.length})</h3>
      {entries.length === 0 ? (
        <p className="text-slate-500">None.</p>
      ) : (
        <dl className="grid grid-cols-[minmax(0,16rem)_1fr] gap-x-3 gap-y-1 font-mono text-[11px]">
          {entries.map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="break-all text-slate-600">{k}</dt>
              <dd className="break-all whitespace-pre-wrap text-slate-800">{v}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

export function NodePods({ detail }: { detail?: NodeDetail }) {
  if (!detail) return <p className="text-xs text-slate-500">Loading pods…</p>;
  if (detail.pods.length === 0) return <p className="text-xs text-slate-500">No pods on this node.</p>;
  return (
    <table className="w-full table-fixed text-xs" data-testid="node-pods">
      <thead className="text-left text-[11px] text-slate-500 uppercase">
        <tr>
          <th className="py-1">Pod</th>
          <th className="w-24">Phase</th>
          <th className="w-16 text-right">CPU</th>
          <th className="w-20 text-right">Memory</th>
        </tr>
      </thead>
      <tbody>
        {detail.pods.map((p) => (
          <tr key={`${p.namespace}/${p.name}`} className="border-t border-slate-100" title={p.owner}>
            <td className="truncate py-1 pr-2" title={`${p.namespace}/${p.name}`}>
              <span className="text-slate-500">{p.namespace}/</span>
              {p.name}
            </td>
            <td
              className={
                p.phase === 'Running' || p.phase === 'Succeeded' ? 'text-slate-600' : 'text-amber-700'
              }
            >
              {p.phase}
            </td>
            <td className="text-right tabular-nums">
              {p.cpuRequestsMilli !== undefined ? formatCpuMilli(p.cpuRequestsMilli) : '—'}
            </td>
            <td className="text-right tabular-nums">
              {p.memoryRequestsBytes !== undefined ? formatBytes(p.memoryRequestsBytes) : '—'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function NodeEvents({ detail, now }: { detail?: NodeDetail; now: number }) {
  if (!detail) return <p className="text-xs text-slate-500">Loading events…</p>;
  if (detail.events.length === 0) return <p className="text-xs text-slate-500">No recent events.</p>;
  return (
    <ul className="flex flex-col divide-y divide-slate-100 text-xs" data-testid="node-events">
      {detail.events.map((e, i) => (
        <li key={i} className="py-1.5">
          <div className="flex items-center gap-2">
            <span className={e.type === 'Warning' ? 'font-semibold text-amber-700' : 'text-slate-500'}>
              {e.type ?? 'Normal'}
            </span>
            <span className="font-medium text-slate-800">{e.reason}</span>
            {e.count && e.count > 1 && <span className="text-slate-500">×{e.count}</span>}
            <span className="ml-auto text-slate-500">
              {e.lastTimestamp ? formatAge(e.lastTimestamp, now) : ''}
            </span>
          </div>
          <p className="text-slate-600">{e.message}</p>
        </li>
      ))}
    </ul>
  );
}
