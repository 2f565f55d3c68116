import { randomUUID } from 'node:crypto';
import { currentRequestId } from '@/lib/http/request-scope';
import { metrics } from '@/lib/metrics/hooks';
import type { NodeResult, Operation } from './operation-state';

export type { NodeResult, NodeResultState, Operation, OperationState } from './operation-state';

export type NodeExecutor = (node: string, signal: AbortSignal) => Promise<{ ok: boolean; message?: string }>;

export interface RunnerOptions {
  now?: () => Date;
  newId?: () => string;
  /** called on every state change; `node` names the node whose result just changed */
  onProgress?: (op: Operation, node?: string) => void;
  /**
   * Asked before each node starts; false means this replica may no longer run the operation (its
   * lease is gone), so the operation is handed over as interrupted instead of starting the node.
   */
  beforeNode?: (op: Operation) => boolean | Promise<boolean>;
  /** finished operations kept for GET /operations/:id */
  keepFinished?: number;
}

type StopReason = { kind: 'cancel' } | { kind: 'interrupt'; message: string };

interface Entry {
  op: Operation;
  abort: AbortController;
  stop?: StopReason;
  finished: Promise<Operation>;
}

/**
 * Runs one action over many nodes with a concurrency limit, per-node results, cancel, and hand-over:
 * interrupt() (lease lost) and shutdown() (SIGTERM) end an operation as `interrupted`, keeping every
 * finished result, so another replica can retry the rest. Independent of any client connection.
 */
export class OperationRunner {
  private readonly ops = new Map<string, Entry>();
  private readonly now: () => Date;
  private readonly newId: () => string;
  private stopping = false;

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
      attempt: 1,
      createdAt: this.now().toISOString(),
      requestId: currentRequestId(),
    };
    metrics().operationStarted(op.kind);
    return this.launch(op, nodes, exec);
  }

  /** Runs `nodes` of an operation this replica has claimed (a retry); other results are kept as they are. */
  resume(op: Operation, nodes: string[], exec: NodeExecutor): Operation {
    if (this.ops.get(op.id)?.op.state === 'running')
      throw new Error(`operation ${op.id} is already running here`);
    return this.launch({ ...op, state: 'running', results: { ...op.results } }, nodes, exec);
  }

  get(id: string): Operation | undefined {
    return this.ops.get(id)?.op;
  }

  /** Operations running on this replica now. */
  running(): Operation[] {
    return [...this.ops.values()].filter((e) => e.op.state === 'running').map((e) => e.op);
  }

  /** Resolves when the operation has finished (tests and shutdown use it). */
  wait(id: string): Promise<Operation> | undefined {
    return this.ops.get(id)?.finished;
  }

  cancel(id: string): Operation | undefined {
    const entry = this.ops.get(id);
    if (entry) this.stop(entry, { kind: 'cancel' });
    return entry?.op;
  }

  /** Ends a running operation as interrupted: in-flight nodes are aborted, pending ones left for a retry. */
  interrupt(id: string, message: string): void {
    const entry = this.ops.get(id);
    if (entry) this.stop(entry, { kind: 'interrupt', message });
  }

  /**
   * SIGTERM: no node starts any more; nodes in flight get `graceMs` to finish, then are aborted; every
   * operation with nodes left ends `interrupted`. Resolves when all have ended.
   */
  async shutdown(graceMs: number): Promise<void> {
    this.stopping = true;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((r) => (timer = setTimeout(r, graceMs)));
    await Promise.race([this.idle(), grace]);
    clearTimeout(timer);
    for (const entry of this.ops.values())
      this.stop(entry, { kind: 'interrupt', message: 'replica shut down before the node finished' });
    await this.idle();
  }

  /** Resolves once every started operation has finished. */
  async idle(): Promise<void> {
    await Promise.all([...this.ops.values()].map((e) => e.finished));
  }

  private stop(entry: Entry, reason: StopReason): void {
    if (entry.op.state !== 'running' || entry.stop) return;
    entry.stop = reason;
    entry.abort.abort();
  }

  private launch(op: Operation, nodes: string[], exec: NodeExecutor): Operation {
    const abort = new AbortController();
    const entry = { op, abort } as Entry;
    this.ops.set(op.id, entry);
    entry.finished = this.run(entry, nodes, exec);
    this.prune();
    return op;
  }

  private async run(entry: Entry, nodes: string[], exec: NodeExecutor): Promise<Operation> {
    const { op } = entry;
    const signal = entry.abort.signal;
    const halted = () => signal.aborted || this.stopping;
    this.emit(op);
    let next = 0;
    const worker = async () => {
      while (next < nodes.length && !halted()) {
        if (this.opts.beforeNode && !(await this.allowed(op))) {
          this.stop(entry, { kind: 'interrupt', message: 'this replica lost the operation lease' });
          break;
        }
        if (halted() || next >= nodes.length) break;
        const node = nodes[next++] as string;
        op.results[node] = { state: 'running' };
        this.emit(op, node);
        let result: NodeResult;
        try {
          const r = await exec(node, signal);
          result = { state: r.ok ? 'succeeded' : 'failed', message: r.message };
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          const stop = entry.stop;
          result = !signal.aborted
            ? { state: 'failed', message }
            : stop?.kind === 'interrupt'
              ? { state: 'interrupted', message: stop.message }
              : { state: 'cancelled', message };
        }
        op.results[node] = result;
        if (result.state !== 'interrupted') op.done++;
        if (result.state === 'failed') op.failed++;
        this.emit(op, node);
      }
    };
    await Promise.all(Array.from({ length: Math.min(op.concurrency, nodes.length) }, worker));
    const unfinished = Object.values(op.results).some(
      (r) => r.state === 'pending' || r.state === 'interrupted',
    );
    if (entry.stop?.kind === 'cancel') {
      for (const [node, r] of Object.entries(op.results))
        if (r.state === 'pending') op.results[node] = { state: 'cancelled' };
      op.state = 'cancelled';
    } else if (unfinished) {
      op.state = 'interrupted';
    } else {
      op.state = op.failed > 0 ? 'failed' : 'succeeded';
    }
    op.finishedAt = this.now().toISOString();
    metrics().operationFinished(op.kind, op.state, countResults(op));
    this.emit(op);
    return op;
  }

  private async allowed(op: Operation): Promise<boolean> {
    try {
      return await this.opts.beforeNode!(op);
    } catch {
      return false;
    }
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
