import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The Grafana dashboard shipped in deploy/grafana, as the tests read it. */
export interface Dashboard {
  panels: Array<{ type: string; title: string; id: number; targets?: Array<{ expr: string }> }>;
  templating: { list: Array<{ name: string; query?: string | { query: string } }> };
}

export const DASHBOARD_PATH = path.resolve(
  import.meta.dirname,
  '../../deploy/grafana/kube-node-manager.json',
);

export function readDashboard(file = DASHBOARD_PATH): Dashboard {
  return JSON.parse(readFileSync(file, 'utf8')) as Dashboard;
}

/** Every PromQL expression of the dashboard: panel targets, and the metric of label_values() variables. */
export function dashboardExpressions(d: Dashboard): string[] {
  return [
    ...d.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
    ...d.templating.list.flatMap((v) => {
      const q = typeof v.query === 'string' ? v.query : v.query?.query;
      const lv = q ? /^label_values\(\s*([^,]+),/.exec(q) : null;
      return lv ? [lv[1]!.trim()] : [];
    }),
  ];
}

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
]);

/** Metric names a PromQL expression selects: identifiers that are not functions, keywords, labels or values. */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names: string[] = [];
  for (const m of stripped.matchAll(/[a-zA-Z_:][\w:]*/g)) {
    const after = stripped.slice(m.index + m[0].length).trimStart();
    if (after.startsWith('(') || KEYWORDS.has(m[0]) || /^\d/.test(m[0])) continue;
    names.push(m[0]);
  }
  return names;
}
