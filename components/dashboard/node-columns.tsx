import type { ReactNode } from 'react';
import { formatAge, formatBytes, formatCpuMilli, usageRatio } from '@/lib/shared/quantity-format';
import type { NodeSortColumn } from '@/lib/protocol/node-query';
import type { NodeUsage } from '@/lib/protocol/node-usage';
import type { NodeRow } from '@/lib/protocol/window';
import { StatusBadge } from '@/components/ui/status-badge';
import { UsageBar } from '@/components/ui/usage-bar';

/** What a cell may need besides its row. */
export interface CellContext {
  now: number;
  /** the node's sampled usage; undefined while loading or when the cluster has none */
  usage: NodeUsage | undefined;
  /** why there is no usage (shown as the title of "—") */
  usageNote: string;
}

export interface NodeColumn {
  id: string;
  label: string;
  /** the chooser's longer name, when the header is terse */
  name?: string;
  width: string;
  title?: string;
  /** the server-side sort behind the header button; absent: the header is not a button */
  sort?: NodeSortColumn;
  /** always shown: the chooser cannot hide it */
  required?: true;
  shownByDefault: boolean;
  className?: string;
  cellTitle?: (row: NodeRow, ctx: CellContext) => string | undefined;
  render: (row: NodeRow, ctx: CellContext) => ReactNode;
}

const muted = 'truncate text-slate-600';
const none = <span className="text-slate-600">—</span>;
const text = (v: string) => v || none;

function taintTitle(node: NodeRow): string {
  return node.taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join('\n');
}

function labelTitle(node: NodeRow): string {
  return Object.entries(node.labels)
    .map(([k, v]) => (v ? `${k}=${v}` : k))
    .join('\n');
}

function usageCell(
  used: number | undefined,
  allocatable: number,
  what: string,
  format: (v: number) => string,
  note: string,
): ReactNode {
  if (used === undefined)
    return (
      <span className="text-slate-600" title={note}>
        —
      </span>
    );
  return (
    <UsageBar
      ratio={usageRatio(used, allocatable)}
      label={`${what} usage ${format(used)} of ${format(allocatable)} allocatable`}
    />
  );
}

/** Every column the node table can show, in display order; the chooser picks among them. */
export const nodeColumns: readonly NodeColumn[] = [
  {
    id: 'name',
    label: 'Name',
    width: 'minmax(180px, 2fr)',
    sort: 'name',
    required: true,
    shownByDefault: true,
    className: 'truncate pr-2 font-medium text-slate-900',
    cellTitle: (n) => n.name,
    render: (n) => n.name,
  },
  {
    id: 'status',
    label: 'Status',
    width: '190px',
    sort: 'status',
    shownByDefault: true,
    className: 'truncate',
    render: (n) => <StatusBadge status={n.status} unschedulable={n.unschedulable} />,
  },
  {
    id: 'roles',
    label: 'Roles',
    width: 'minmax(90px, 1fr)',
    sort: 'roles',
    shownByDefault: true,
    className: muted,
    cellTitle: (n) => n.roles.join(', '),
    render: (n) => (n.roles.length ? n.roles.join(', ') : <span>&lt;none&gt;</span>),
  },
  {
    id: 'version',
    label: 'Version',
    width: '90px',
    sort: 'version',
    shownByDefault: true,
    className: muted,
    render: (n) => n.version,
  },
  {
    id: 'ip',
    label: 'Internal IP',
    width: '110px',
    sort: 'ip',
    shownByDefault: true,
    className: `${muted} font-mono text-[11px]`,
    render: (n) => text(n.internalIP),
  },
  {
    id: 'externalIP',
    label: 'External IP',
    width: '110px',
    shownByDefault: false,
    className: `${muted} font-mono text-[11px]`,
    render: (n) => text(n.externalIP),
  },
  {
    id: 'zone',
    label: 'Zone',
    width: '110px',
    title: 'topology.kubernetes.io/zone',
    shownByDefault: false,
    className: muted,
    cellTitle: (n) => n.zone || undefined,
    render: (n) => text(n.zone),
  },
  {
    id: 'region',
    label: 'Region',
    width: '110px',
    title: 'topology.kubernetes.io/region',
    shownByDefault: false,
    className: muted,
    cellTitle: (n) => n.region || undefined,
    render: (n) => text(n.region),
  },
  {
    id: 'instanceType',
    label: 'Instance type',
    width: '120px',
    title: 'node.kubernetes.io/instance-type',
    shownByDefault: false,
    className: muted,
    cellTitle: (n) => n.instanceType || undefined,
    render: (n) => text(n.instanceType),
  },
  {
    id: 'os',
    label: 'OS',
    name: 'Operating system',
    width: '64px',
    shownByDefault: false,
    className: muted,
    render: (n) => text(n.os),
  },
  {
    id: 'arch',
    label: 'Arch',
    name: 'Architecture',
    width: '64px',
    shownByDefault: false,
    className: muted,
    render: (n) => text(n.arch),
  },
  {
    id: 'cpu',
    label: 'CPU req.',
    name: 'CPU requests',
    width: '110px',
    title: 'CPU requests vs allocatable',
    sort: 'cpu',
    shownByDefault: true,
    className: 'pr-2',
    render: (n) => (
      <UsageBar
        ratio={usageRatio(n.cpuRequestsMilli, n.cpuAllocatableMilli)}
        label={`CPU requests ${formatCpuMilli(n.cpuRequestsMilli)} of ${formatCpuMilli(n.cpuAllocatableMilli)} allocatable`}
      />
    ),
  },
  {
    id: 'cpuUsage',
    label: 'CPU use',
    name: 'CPU usage',
    width: '110px',
    title: 'CPU usage (metrics.k8s.io) vs allocatable',
    shownByDefault: true,
    className: 'pr-2',
    render: (n, c) => usageCell(c.usage?.cpuMilli, n.cpuAllocatableMilli, 'CPU', formatCpuMilli, c.usageNote),
  },
  {
    id: 'memory',
    label: 'Memory req.',
    name: 'Memory requests',
    width: '110px',
    title: 'Memory requests vs allocatable',
    sort: 'memory',
    shownByDefault: true,
    className: 'pr-2',
    render: (n) => (
      <UsageBar
        ratio={usageRatio(n.memoryRequestsBytes, n.memoryAllocatableBytes)}
        label={`Memory requests ${formatBytes(n.memoryRequestsBytes)} of ${formatBytes(n.memoryAllocatableBytes)} allocatable`}
      />
    ),
  },
  {
    id: 'memoryUsage',
    label: 'Memory use',
    name: 'Memory usage',
    width: '110px',
    title: 'Memory usage (metrics.k8s.io) vs allocatable',
    shownByDefault: true,
    className: 'pr-2',
    render: (n, c) =>
      usageCell(c.usage?.memoryBytes, n.memoryAllocatableBytes, 'Memory', formatBytes, c.usageNote),
  },
  {
    id: 'pods',
    label: 'Pods',
    width: '70px',
    sort: 'pods',
    shownByDefault: true,
    className: 'tabular-nums text-slate-600',
    render: (n) => (
      <>
        {n.pods}/{n.podCapacity ?? '—'}
      </>
    ),
  },
  {
    id: 'labels',
    label: 'Labels',
    width: '64px',
    shownByDefault: false,
    className: 'tabular-nums text-slate-600',
    cellTitle: labelTitle,
    render: (n) => Object.keys(n.labels).length,
  },
  {
    id: 'taints',
    label: 'Taints',
    width: '60px',
    sort: 'taints',
    shownByDefault: true,
    className: 'tabular-nums text-slate-600',
    cellTitle: taintTitle,
    render: (n) =>
      n.taints.length ? (
        <span className="rounded bg-violet-50 px-1.5 py-px text-[11px] text-violet-700 ring-1 ring-violet-600/20 ring-inset">
          {n.taints.length}
        </span>
      ) : (
        <span>0</span>
      ),
  },
  {
    id: 'age',
    label: 'Age',
    width: '56px',
    sort: 'age',
    shownByDefault: true,
    className: 'tabular-nums text-slate-600',
    cellTitle: (n) => n.creationTimestamp,
    render: (n, c) => formatAge(n.creationTimestamp, c.now),
  },
];

export const defaultColumnIds: readonly string[] = nodeColumns
  .filter((c) => c.shownByDefault)
  .map((c) => c.id);

/** The columns to show for a chosen id list (null: the defaults); required columns always, in table order. */
export function shownColumns(chosen: readonly string[] | null): NodeColumn[] {
  const ids = new Set(chosen ?? defaultColumnIds);
  return nodeColumns.filter((c) => c.required || ids.has(c.id));
}

/** The grid's column widths: the checkbox column, then each shown column. */
export function gridTemplateOf(columns: readonly NodeColumn[]): string {
  return `36px ${columns.map((c) => c.width).join(' ')}`;
}

/** The narrowest the table may get before it scrolls sideways: every column at its minimum. */
export function minTableWidth(columns: readonly NodeColumn[]): number {
  return columns.reduce((sum, c) => sum + Number(/(\d+)px/.exec(c.width)?.[1] ?? 80), 36);
}

/** One registry column's cell for a row: the node table and the all-clusters table render the same. */
export function ColumnCell({ column, row, ctx }: { column: NodeColumn; row: NodeRow; ctx: CellContext }) {
  return (
    <div
      role="cell"
      data-column={column.id}
      className={column.className}
      title={column.cellTitle?.(row, ctx)}
    >
      {column.render(row, ctx)}
    </div>
  );
}
