/**
 * Every page and route handler under app/, as Next names them (route groups dropped). The access
 * log and the HTTP metrics label requests with these templates instead of raw paths, so a metric
 * never gets one series per node name; route-templates.test.ts keeps the list equal to app/.
 */
export const ROUTE_TEMPLATES = [
  '/',
  '/audit',
  '/settings',
  '/health',
  '/login',
  '/clusters/[cluster]/nodes/[node]',
  '/api/auth/[...nextauth]',
  '/api/healthz',
  '/api/readyz',
  '/api/metrics',
  '/api/v1/audit',
  '/api/v1/clusters',
  '/api/v1/clusters/[cluster]',
  '/api/v1/clusters/[cluster]/nodes',
  '/api/v1/clusters/[cluster]/nodes/[node]',
  '/api/v1/clusters/[cluster]/nodes/[node]/cordon',
  '/api/v1/clusters/[cluster]/nodes/[node]/drain',
  '/api/v1/clusters/[cluster]/nodes/[node]/labels',
  '/api/v1/clusters/[cluster]/nodes/[node]/taints',
  '/api/v1/clusters/[cluster]/nodes/[node]/uncordon',
  '/api/v1/clusters/[cluster]/operations',
  '/api/v1/health/history',
  '/api/v1/me',
  '/api/v1/me/password',
  '/api/v1/me/sessions',
  '/api/v1/nodes',
  '/api/v1/openapi.json',
  '/api/v1/operations/[id]',
  '/api/v1/operations/[id]/cancel',
  '/api/v1/operations/[id]/retry',
  '/api/v1/sse/nodes',
  '/api/v1/sse/windows',
  '/api/v1/templates',
  '/api/v1/templates/[id]',
  '/api/v1/templates/[id]/apply',
  '/api/v1/tokens',
  '/api/v1/tokens/[id]',
  '/api/v1/users',
  '/api/v1/users/[id]',
  '/api/v1/users/[id]/password',
  '/api/v1/ws/nodes',
  '/api/v1/ws/ping',
  '/api/v1/ws/stats',
  '/api/v1/ws/test',
] as const;

/** Label of everything that matches no template (404s, probes of random paths). */
export const UNMATCHED_ROUTE = 'unmatched';

type Segment = { literal: string } | { param: true; rest: boolean };

interface Compiled {
  template: string;
  segments: Segment[];
  literals: number;
}

const split = (path: string) => path.split('/').filter(Boolean);

function compile(template: string): Compiled {
  const segments = split(template).map((s): Segment => {
    if (s.startsWith('[...')) return { param: true, rest: true };
    if (s.startsWith('[')) return { param: true, rest: false };
    return { literal: s };
  });
  return { template, segments, literals: segments.filter((s) => 'literal' in s).length };
}

function matches(c: Compiled, parts: string[]): boolean {
  for (let i = 0; i < c.segments.length; i++) {
    const seg = c.segments[i]!;
    if ('literal' in seg) {
      if (parts[i] !== seg.literal) return false;
    } else if (seg.rest) {
      return parts.length > i;
    } else if (parts[i] === undefined) {
      return false;
    }
  }
  return parts.length === c.segments.length;
}

/**
 * Maps a pathname to a bounded label: its route template, `/_next/static` and `/_next` for Next's
 * own assets, or `unmatched`. A literal segment beats a parameter (`/api/v1/clusters/x/nodes`
 * is the nodes route, not a cluster named "nodes").
 */
export function createRouteMatcher(templates: readonly string[] = ROUTE_TEMPLATES): (path: string) => string {
  const compiled = templates.map(compile).sort((a, b) => b.literals - a.literals);
  return (pathname) => {
    if (pathname.startsWith('/_next/'))
      return pathname.startsWith('/_next/static/') ? '/_next/static' : '/_next';
    const parts = split(pathname);
    for (const c of compiled) if (matches(c, parts)) return c.template;
    return UNMATCHED_ROUTE;
  };
}
