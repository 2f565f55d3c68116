import { apiVersionOf, type ResourceDef } from '../resources';
import type { ListResult, StoreEntry } from '../store';

/** How objects are rendered for one request: plain JSON, or server-side Table (see table.ts). */
export interface ObjectFormat {
  id: string;
  single(def: ResourceDef, entry: StoreEntry): Buffer | string;
  list(def: ResourceDef, result: ListResult): Buffer | string;
  /** one newline-terminated watch line */
  event(def: ResourceDef, type: string, entry: StoreEntry): Buffer;
}

const comma = Buffer.from(',');
const listTail = Buffer.from(']}');
const eventTail = Buffer.from('}\n');
const eventHeads = new Map<string, Buffer>();

function eventHead(type: string): Buffer {
  let b = eventHeads.get(type);
  if (!b) eventHeads.set(type, (b = Buffer.from(`{"type":"${type}","object":`)));
  return b;
}

/** Body parts of an unfiltered list whose items JSON is already joined (see ObjectStore.allItemsJson). */
export function jsonFullListParts(def: ResourceDef, resourceVersion: string, items: Buffer[]): Buffer[] {
  return [
    Buffer.from(
      `{"kind":"${def.kind}List","apiVersion":"${apiVersionOf(def)}","metadata":{"resourceVersion":"${resourceVersion}"},"items":[`,
    ),
    ...items,
    listTail,
  ];
}

export const jsonFormat: ObjectFormat = {
  id: 'json',
  single: (_def, entry) => entry.buf,
  list(def, result) {
    let meta = `{"resourceVersion":${JSON.stringify(result.resourceVersion)}`;
    if (result.continue) meta += `,"continue":${JSON.stringify(result.continue)}`;
    if (result.remainingItemCount !== undefined) meta += `,"remainingItemCount":${result.remainingItemCount}`;
    meta += '}';
    const parts: Buffer[] = [
      Buffer.from(
        `{"kind":"${def.kind}List","apiVersion":"${apiVersionOf(def)}","metadata":${meta},"items":[`,
      ),
    ];
    result.items.forEach((e, i) => {
      if (i) parts.push(comma);
      parts.push(e.buf);
    });
    parts.push(listTail);
    return Buffer.concat(parts);
  },
  event: (_def, type, entry) => Buffer.concat([eventHead(type), entry.buf, eventTail]),
};
