import { apiVersionOf, type ResourceDef } from '../resources';
import type { ListResult, StoreEntry } from '../store';

/** How objects are rendered for one request: plain JSON, or server-side Table (see table.ts). */
export interface ObjectFormat {
  id: string;
  single(def: ResourceDef, entry: StoreEntry): string;
  list(def: ResourceDef, result: ListResult): string;
  /** one newline-terminated watch line */
  event(def: ResourceDef, type: string, entry: StoreEntry): string;
}

export const jsonFormat: ObjectFormat = {
  id: 'json',
  single: (_def, entry) => entry.json,
  list(def, result) {
    let meta = `{"resourceVersion":${JSON.stringify(result.resourceVersion)}`;
    if (result.continue) meta += `,"continue":${JSON.stringify(result.continue)}`;
    if (result.remainingItemCount !== undefined) meta += `,"remainingItemCount":${result.remainingItemCount}`;
    meta += '}';
    const items = result.items.map((e) => e.json).join(',');
    return `{"kind":"${def.kind}List","apiVersion":"${apiVersionOf(def)}","metadata":${meta},"items":[${items}]}`;
  },
  event: (_def, type, entry) => `{"type":"${type}","object":${entry.json}}\n`,
};
