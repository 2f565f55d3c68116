import type { KObj } from './resources';

/** One stored object version; its serialized JSON is computed once and shared by every list and watch. */
export class StoreEntry {
  constructor(
    readonly obj: KObj,
    /** UTF-8 JSON of obj; list bodies are built by concatenating these buffers */
    readonly buf: Buffer,
    readonly rv: number,
  ) {}

  static of(obj: KObj, rv: number): StoreEntry {
    return new StoreEntry(obj, Buffer.from(JSON.stringify(obj)), rv);
  }

  get json(): string {
    return this.buf.toString('utf8');
  }
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  resource: string;
  key: string;
  rv: number;
  entry: StoreEntry;
  prev?: StoreEntry;
  at: number;
  /** per-format serialization cache, so an event is serialized once for all watchers */
  cache: Map<string, Buffer>;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface ListResult {
  items: StoreEntry[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}
