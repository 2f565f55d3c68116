import { routeTable } from '@/lib/openapi/routes';
/** The pages under app/, as Next names them (route groups dropped). */
const PAGE_TEMPLATES = [
  '/',
  '/all',
  '/audit',
  '/settings',
  '/health',
  '/login',
  '/clusters/[cluster]/nodes/[node]',
] as const;

/** `{param}` → `[param]`; next-auth's one catch-all segment → `[...nextauth]`. */
function nextTemplate(openApiPath: string): string {
  return openApiPath.replace(/\{(\w+)\}/g, (_, name: string) =>
    name === 'nextauth' ? '[...nextauth]' : `[${name}]`,
  );
}

/**
 * Every page and route handler, as Next names them. The access log and the HTTP metrics label
 * requests with these templates instead of raw paths, so a metric never gets one series per node
 * name. The API half comes from the route table, the one place routes are declared;
 * route-templates.test.ts keeps the whole list equal to app/.
 */
export const ROUTE_TEMPLATES: readonly string[] = [
  ...PAGE_TEMPLATES,
  ...new Set(routeTable.map((r) => nextTemplate(r.path))),
];

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
