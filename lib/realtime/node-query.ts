import { z } from 'zod';
import { nodeStatusSchema, type NodeSummary } from '@/lib/protocol/node-summary';
import { cpuMillis, memoryBytes } from '@/lib/shared/quantity';
import { matchesSelector, parseLabelSelector, type LabelSelector } from '@/lib/shared/label-selector';

/** Filter, sort and page of a node-table read; route handlers parse query strings through this schema. */
export const sortKeys = [
  'name',
  'status',
  'roles',
  'age',
  'version',
  'cpu',
  'memory',
  'pods',
  'schedulable',
] as const;
export type SortKey = (typeof sortKeys)[number];

export const nodeQuerySchema = z.object({
  text: z.string().max(256).optional(),
  labelSelector: z.string().max(4096).optional(),
  status: z.union([nodeStatusSchema, z.array(nodeStatusSchema)]).optional(),
  role: z.string().max(253).optional(),
  schedulable: z.boolean().optional(),
  taint: z
    .object({
      key: z.string().max(317).optional(),
      effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
    })
    .optional(),
  sort: z.object({ by: z.enum(sortKeys), dir: z.enum(['asc', 'desc']).default('asc') }).optional(),
  page: z
    .union([
      z.literal('all'),
      z.object({
        offset: z.number().int().nonnegative().default(0),
        limit: z.number().int().positive().max(10_000),
      }),
    ])
    .optional(),
});
export type NodeQuery = z.input<typeof nodeQuerySchema>;

export interface NodePage {
  items: NodeSummary[];
  total: number;
}

export type NodePredicate = (n: NodeSummary) => boolean;

/** Compiles the filter part once per query; throws LabelSelectorError for a bad selector. */
export function compileFilter(q: NodeQuery): NodePredicate | null {
  const tests: NodePredicate[] = [];
  if (q.text) {
    const needle = q.text.toLowerCase();
    tests.push((n) => n.name.includes(needle) || addressText(n.static).includes(needle));
  }
  if (q.labelSelector && q.labelSelector.trim()) {
    const sel: LabelSelector = parseLabelSelector(q.labelSelector);
    tests.push((n) => matchesSelector(sel, n.labels));
  }
  if (q.status !== undefined) {
    const wanted = new Set(Array.isArray(q.status) ? q.status : [q.status]);
    tests.push((n) => wanted.has(n.status));
  }
  if (q.role) {
    const role = q.role;
    tests.push((n) => n.roles.includes(role));
  }
  if (q.schedulable !== undefined) {
    const s = q.schedulable;
    tests.push((n) => !n.unschedulable === s);
  }
  if (q.taint && (q.taint.key || q.taint.effect)) {
    const { key, effect } = q.taint;
    tests.push((n) => n.taints.some((t) => (!key || t.key === key) && (!effect || t.effect === effect)));
  }
  if (tests.length === 0) return null;
  if (tests.length === 1) return tests[0] as NodePredicate;
  return (n) => {
    for (const t of tests) if (!t(n)) return false;
    return true;
  };
}

const addressTexts = new WeakMap<NodeSummary['static'], string>();

/** Lower-cased addresses joined once per static object (shared by reference while unchanged). */
function addressText(st: NodeSummary['static']): string {
  let t = addressTexts.get(st);
  if (t === undefined) {
    t = st.addresses.map((a) => a.address.toLowerCase()).join('\n');
    addressTexts.set(st, t);
  }
  return t;
}

const statusRank = { Ready: 0, NotReady: 1, Unknown: 2 } as const;

function versionKey(v: string): string {
  // "v1.30.2-eks" → zero-padded numeric parts so plain string comparison orders versions
  return v.replace(/\d+/g, (d) => d.padStart(8, '0'));
}

function ratio(used: number, total: number): number {
  return total > 0 ? used / total : used > 0 ? Number.POSITIVE_INFINITY : 0;
}

/**
 * The comparable key of one column. cpu/memory sort by requested share of allocatable,
 * age by creation time (asc = youngest first), status Ready < NotReady < Unknown.
 */
export function sortKeyOf(n: NodeSummary, by: SortKey): string | number {
  switch (by) {
    case 'name':
      return n.name;
    case 'status':
      return statusRank[n.status];
    case 'roles':
      return n.roles.join(',');
    case 'age':
      return -(Date.parse(n.creationTimestamp) || 0);
    case 'version':
      return versionKey(n.static.nodeInfo.kubeletVersion);
    case 'cpu':
      return ratio(n.pods.cpuRequestsMilli, cpuMillis(n.static.allocatable.cpu));
    case 'memory':
      return ratio(n.pods.memoryRequestsBytes, memoryBytes(n.static.allocatable.memory));
    case 'pods':
      return n.pods.count;
    case 'schedulable':
      return n.unschedulable ? 1 : 0;
  }
}

export function compareKeys(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
