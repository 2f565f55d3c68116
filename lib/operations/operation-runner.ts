import { randomUUID } from 'node:crypto';
import { currentRequestId } from '@/lib/http/request-scope';
import { metrics } from '@/lib/metrics/hooks';

export type OperationState = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type NodeResultState = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface NodeResult {
  state: NodeResultState;
  message?: string;
}

export interface Operation {
  id: string;
  cluster: string;
  kind: string;
  user: string;
  params: unknown;
  concurrency: number;
  state: OperationState;
  total: number;
  done: number;
  failed: number;
  results: Record<string, NodeResult>;
  createdAt: string;
  finishedAt?: string;
  /** X-Request-Id of the request that started it (its log lines carry the same id) */
  requestId?: string;
}

export type NodeExecutor = (node: string, signal: AbortSignal) => Promise<{ ok: boolean; message?: string }>;

export interface RunnerOptions {
  now?: () => Date;
  newId?: () => string;
  /** called on every state change; `node` names the node whose result just changed */
  onProgress?: (op: Operation, node?: string) => void;
  /** finished operations kept for GET /operations/:id */
  keepFinished?: number;
}

/**
 * Runs one action over many nodes with a concurrency limit, per-node results and cancel.
 * Independent of any client connection: it goes on when the browser disconnects.
 */
export class OperationRunner {
  private readonly ops = new Map<
    string,
    { op: Operation; abort: AbortController; finished: Promise<Operation> }
  >();
  private readonly now: () => Date;
  private readonly newId: () => string;

  constructor(private readonly opts: RunnerOptions = {}) {
    this.now = opts.now ?? (() => new Date());
    this.newId = opts.newId ?? randomUUID;
  }

  start(
    spec: {
      cluster: string;
      kind: string;
      user: string;
      params: unknown;
      nodes: string[];
      concurrency: number;
    },
    exec: NodeExecutor,
  ): Operation {
    const nodes = [...new Set(spec.nodes)];
    const op: Operation = {
      id: this.newId(),
      cluster: spec.cluster,
      kind: spec.kind,
      user: spec.user,
      params: spec.params,
      concurrency: Math.max(1, spec.concurrency),
      state: 'running',
      total: nodes.length,
      done: 0,
      failed: 0,
      results: Object.fromEntries(nodes.map((n) => [n, { state: 'pending' as const }])),
      createdAt: this.now().toISOString(),
      requestId: currentRequestId(),
    };
    metrics().operationStarted(op.kind);
    const abort = new AbortController();
    const finished = this.run(op, nodes, exec, abort.signal);
    this.ops.set(op.id, { op, abort, finished });
    this.prune();
    return op;
  }

  get(id: string): Operation | undefined {
    return this.ops.get(id)?.op;
  }

  /** Resolves when the operation has finished (tests and shutdown use it). */
  wait(id: string): Promise<Operation> | undefined {
    return this.ops.get(id)?.finished;
  }

  cancel(id: string): Operation | undefined {
    const entry = this.ops.get(id);
    if (entry && entry.op.state === 'running') entry.abort.abort();
    return entry?.op;
  }

  cancelAll(): void {
    for (const { abort } of this.ops.values()) abort.abort();
  }

  /** Resolves once every started operation has finished. */
  async idle(): Promise<void> {
    await Promise.all([...this.ops.values()].map((e) => e.finished));
  }

  private async run(
    op: Operation,
    nodes: string[],
    exec: NodeExecutor,
    signal: AbortSignal,
  ): Promise<Operation> {
    this.emit(op);
    let next = 0;
    const worker = async () => {
      while (next < nodes.length && !signal.aborted) {
        const node = nodes[next++] as string;
        op.results[node] = { state: 'running' };
        let result: NodeResult;
        try {
          const r = await exec(node, signal);
          result = { state: r.ok ? 'succeeded' : 'failed', message: r.message };
        } catch (err) {
          result = {
            state: signal.aborted ? 'cancelled' : 'failed',
            message: err instanceof Error ? err.message : String(err),
          };
        }
        op.results[node] = result;
        op.done++;
        if (result.state === 'failed') op.failed++;
        this.emit(op, node);
      }
    };
    await Promise.all(Array.from({ length: Math.min(op.concurrency, nodes.length) }, worker));
    for (const [node, r] of Object.entries(op.results))
      if (r.state === 'pending') op.results[node] = { state: 'cancelled' };
    op.state = signal.aborted ? 'cancelled' : op.failed > 0 ? 'failed' : 'succeeded';
    op.finishedAt = this.now().toISOString();
    metrics().operationFinished(op.kind, op.state, countResults(op));
    this.emit(op);
    return op;
  }

  private emit(op: Operation, node?: string) {
    try {
      this.opts.onProgress?.(op, node);
    } catch {
      // a failing listener must not stop the operation
    }
  }

  private prune() {
    const keep = this.opts.keepFinished ?? 500;
    const finished = [...this.ops.values()].filter((e) => e.op.state !== 'running');
    for (const e of finished.slice(0, Math.max(0, finished.length - keep))) this.ops.delete(e.op.id);
  }
}

function countResults(op: Operation): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of Object.values(op.results)) counts[r.state] = (counts[r.state] ?? 0) + 1;
  return counts;
}
