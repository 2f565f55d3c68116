import { defaultNodeQuery, parseNodeQuery, type NodeQuery } from '@/lib/protocol/node-query';

/** The page URL's node-query fields (besides `cluster`), in the order the URL writes them. */
export const urlQueryKeys = [
  'text',
  'labelSelector',
  'taint',
  'status',
  'role',
  'schedulable',
  'sort',
] as const;
export type UrlQueryKey = (typeof urlQueryKeys)[number];

/**
 * The node query a page URL holds; a malformed field falls back to the default query. Shared by the
 * browser (nuqs) and the server render, so both ask for the same canonical query.
 */
export function nodeQueryFromUrl(params: Partial<Record<UrlQueryKey, string | null | undefined>>): NodeQuery {
  const search = urlQueryKeys
    .flatMap((k) => (params[k] ? [`${k}=${encodeURIComponent(params[k])}`] : []))
    .join('&');
  const r = parseNodeQuery(search);
  return r.ok ? r.query : defaultNodeQuery;
}
