import { dump } from 'js-yaml';
import { formatBytes, formatCpuMilli } from '@/lib/shared/quantity-format';
import { exportCsvColumns, type ExportFormat } from '@/lib/protocol/node-export';
import type { NodeSummary, Taint } from '@/lib/protocol/node-summary';
import { toNodeRow } from '@/lib/shared/node-row';

/** One exported node; `cluster` only in the all-clusters export. */
export interface ExportItem {
  cluster?: string;
  node: NodeSummary;
}

/**
 * A cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, and tab / CR which some strip
 * first) gets a leading apostrophe: exported node names, labels and taints are written by whoever can
 * patch a node, and must not run as formulas in the reader's spreadsheet (OWASP "CSV injection").
 */
export function neutralizeFormula(v: string): string {
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

/** RFC 4180: a cell with a comma, quote or line break is quoted, its quotes doubled. */
export function csvCell(value: string): string {
  const v = neutralizeFormula(value);
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** One record, CRLF-terminated as RFC 4180 asks. */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export function taintText(t: Pick<Taint, 'key' | 'value' | 'effect'>): string {
  return `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`;
}

/** The table's cells for one node, in `exportCsvColumns` order, in the units the table shows. */
export function csvCells(n: NodeSummary): string[] {
  const r = toNodeRow(n);
  return [
    r.name,
    r.status,
    String(!r.unschedulable),
    r.roles.join(', '),
    r.version,
    r.internalIP,
    formatCpuMilli(r.cpuRequestsMilli),
    formatCpuMilli(r.cpuAllocatableMilli),
    formatBytes(r.memoryRequestsBytes),
    formatBytes(r.memoryAllocatableBytes),
    String(r.pods),
    r.podCapacity === null ? '' : String(r.podCapacity),
    r.taints.map(taintText).join('; '),
    r.creationTimestamp,
  ];
}

const CHUNK_ROWS = 500;
// js-yaml takes about half a millisecond a node: small chunks let the event loop serve others between them
const YAML_CHUNK_ROWS = 100;

/** The CSV, header first, in chunks of a few hundred rows (the route streams them). */
export function* csvChunks(items: readonly ExportItem[], withCluster: boolean): Generator<string> {
  yield csvLine(withCluster ? ['cluster', ...exportCsvColumns] : [...exportCsvColumns]);
  for (let i = 0; i < items.length; i += CHUNK_ROWS) {
    let out = '';
    for (const it of items.slice(i, i + CHUNK_ROWS))
      out += csvLine(withCluster ? [it.cluster ?? '', ...csvCells(it.node)] : csvCells(it.node));
    yield out;
  }
}

/**
 * A YAML sequence of the node summaries (what the API lists: no managedFields, which summaries never
 * hold), each with its cluster first in the all-clusters export. Dumped item by item: a sequence's items
 * concatenate into the same document, so the file streams without building one large object graph.
 */
export function* yamlChunks(items: readonly ExportItem[], withCluster: boolean): Generator<string> {
  if (items.length === 0) {
    yield '[]\n';
    return;
  }
  for (let i = 0; i < items.length; i += YAML_CHUNK_ROWS) {
    const slice = items
      .slice(i, i + YAML_CHUNK_ROWS)
      .map((it) => (withCluster ? { cluster: it.cluster, ...it.node } : it.node));
    yield dump(slice, { noRefs: true, lineWidth: -1, sortKeys: false });
  }
}

export function exportChunks(format: ExportFormat, items: readonly ExportItem[], withCluster: boolean) {
  return format === 'csv' ? csvChunks(items, withCluster) : yamlChunks(items, withCluster);
}
