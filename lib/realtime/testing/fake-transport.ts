import type { InformerTransport, WatchRequest } from '../informer';

/**
 * In-memory list/watch transport for unit tests of ClusterSync / RealtimeManager:
 * holds objects, hands out RVs, and pushes writes to open watches synchronously.
 */
function keyOf(meta: Record<string, unknown>): string {
  const ns = typeof meta.namespace === 'string' ? meta.namespace : '';
  return `${ns}/${typeof meta.name === 'string' ? meta.name : ''}`;
}

export class FakeApi {
  private rv = 100;
  readonly objects = {
    '/api/v1/nodes': new Map<string, unknown>(),
    '/api/v1/pods': new Map<string, unknown>(),
  };
  readonly watches: { path: string; req: WatchRequest; open: boolean }[] = [];
  failing = false;

  transport = (path: '/api/v1/nodes' | '/api/v1/pods'): InformerTransport => ({
    list: (_signal, reduce) => {
      if (this.failing) return Promise.reject(new Error('connect ECONNREFUSED'));
      const items = [...this.objects[path].values()].map((o) => (reduce ? reduce(o) : o));
      return Promise.resolve({ items, resourceVersion: String(this.rv) });
    },
    watch: (req) => {
      const w = { path, req, open: true };
      this.watches.push(w);
      queueMicrotask(() => {
        if (!w.open) return;
        if (this.failing) {
          w.open = false;
          req.onDone(new Error('connect ECONNREFUSED'));
        } else req.onEstablished();
      });
      return { abort: () => void (w.open = false) };
    },
  });

  /** stores obj with a fresh RV and sends it to open watches; returns the RV */
  put(path: '/api/v1/nodes' | '/api/v1/pods', obj: Record<string, unknown>): string {
    const rv = String(++this.rv);
    const meta = obj.metadata as Record<string, unknown>;
    meta.resourceVersion = rv;
    const key = keyOf(meta);
    const type = this.objects[path].has(key) ? 'MODIFIED' : 'ADDED';
    this.objects[path].set(key, obj);
    for (const w of this.watches) if (w.open && w.path === path) w.req.onEvent(type, obj);
    return rv;
  }

  remove(path: '/api/v1/nodes' | '/api/v1/pods', obj: Record<string, unknown>): void {
    const meta = obj.metadata as Record<string, unknown>;
    this.objects[path].delete(keyOf(meta));
    meta.resourceVersion = String(++this.rv);
    for (const w of this.watches) if (w.open && w.path === path) w.req.onEvent('DELETED', obj);
  }

  cutAll(err: unknown = new Error('socket hang up')): void {
    for (const w of this.watches) {
      if (!w.open) continue;
      w.open = false;
      w.req.onDone(err);
    }
  }
}
