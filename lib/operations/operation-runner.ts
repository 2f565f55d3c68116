import { randomUUID } from 'node:crypto';
import { currentRequestId } from '@/lib/http/request-scope';
import { metrics } from '@/lib/metrics/hooks';
import type { DrainPodProgress } from '@/lib/protocol/messages';
import type { NodeGate } from './max-unavailable';
import { countResults, settlePending, type NodeResult, type Operation } from './operation-state';

export type { NodeResult, NodeResultState, Operation, OperationState } from './operation-state';

/** What an executor knows of its run: the operation, and `report` for a running node's interim detail. */
export interface NodeRun {
  operationId: string;
  /** publishes a draining node's pods as operation progress */
  report(pods: DrainPodProgress[]): void;
}

export type NodeExecutor = (
  node: string,
  signal: AbortSignal,
  run: NodeRun,
) => Promise<{ ok: boolean; message?: string }>;

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

/** `failures`: the run met stopAfterFailures; nodes in flight finish, no other node starts. */
type StopReason =
  { kind: 'cancel' } | { kind: 'interrupt'; message: string } | { kind: 'failures'; message: string };

/** How one run goes beyond the plain loop: a gate (max unavailable) and a failure limit. */
export interface RunRules {
  gate?: NodeGate;
}

interface Entry {
  op: Operation;
  /** aborts the nodes in flight (cancel, interrupt) */
  abort: AbortController;
  /** aborts waiting for the gate: no node starts any more (every stop) */
  noMore: AbortController;
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
      maxUnavailable?: number;
      stopAfterFailures?: number;
    },
    exec: NodeExecutor,
    rules: RunRules = {},
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
      ...(spec.maxUnavailable !== undefined ? { maxUnavailable: spec.maxUnavailable } : {}),
      ...(spec.stopAfterFailures !== undefined ? { stopAfterFailures: spec.stopAfterFailures } : {}),
    };
    metrics().operationStarted(op.kind);
    return this.launch(op, nodes, exec, rules);
  }

  /** Runs `nodes` of an operation this replica has claimed (a retry); other results are kept as they are. */
  resume(op: Operation, nodes: string[], exec: NodeExecutor, rules: RunRules = {}): Operation {
    if (this.ops.get(op.id)?.op.state === 'running')
      throw new Error(`operation ${op.id} is already running here`);
    return this.launch({ ...op, state: 'running', results: { ...op.results } }, nodes, exec, rules);
  }

  /** Records a running node's interim detail (a drain's pods) and reports it; ignored once it finished. */
  private report(id: string, node: string, pods: DrainPodProgress[]): void {
    const op = this.ops.get(id)?.op;
    if (!op || op.state !== 'running' || op.results[node]?.state !== 'running') return;
    op.pods = { ...op.pods, [node]: pods };
    this.emit(op, node);
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
    if (entry.op.state !== 'running') return;
    // a cancel or an interrupt also ends a run that is only winding down after its failure limit
    if (entry.stop && !(entry.stop.kind === 'failures' && reason.kind !== 'failures')) return;
    entry.stop = reason;
    entry.noMore.abort();
    if (reason.kind !== 'failures') entry.abort.abort();
  }

  private launch(op: Operation, nodes: string[], exec: NodeExecutor, rules: RunRules): Operation {
    const entry = { op, abort: new AbortController(), noMore: new AbortController() } as Entry;
    this.ops.set(op.id, entry);
    entry.finished = this.run(entry, nodes, exec, rules);
    this.prune();
    return op;
  }

  private async run(entry: Entry, nodes: string[], exec: NodeExecutor, rules: RunRules): Promise<Operation> {
    const { op } = entry;
    const signal = entry.abort.signal;
    const halted = () => entry.noMore.signal.aborted || this.stopping;
    const waiting = new Map<string, string>();
    const onWait = (node: string) => (reason: string | undefined) => {
      if (reason) waiting.set(node, reason);
      else waiting.delete(node);
      const now = [...waiting.values()].at(-1);
      if (now === op.waiting) return;
      op.waiting = now;
      this.emit(op);
    };
    // failures of this run only: a retry is not stopped by the failures it was started to redo
    let failedHere = 0;
    this.emit(op);
    let next = 0;
    const worker = async () => {
      while (next < nodes.length && !halted()) {
        const node = nodes[next++] as string;
        if (rules.gate) {
          try {
            await rules.gate.acquire(node, entry.noMore.signal, onWait(node));
          } catch {
            // stopped while waiting: the node never started, so it is still pending
            waiting.delete(node);
            break;
          }
        }
        // asked after any wait for a slot: a long wait must not start a node on a lease that is gone
        if (this.opts.beforeNode && !(await this.allowed(op))) {
          rules.gate?.release(node);
          this.stop(entry, { kind: 'interrupt', message: 'this replica lost the operation lease' });
          break;
        }
        if (halted()) {
          rules.gate?.release(node);
          break;
        }
        op.results[node] = { state: 'running' };
        this.emit(op, node);
        let result: NodeResult;
        try {
          const r = await exec(node, signal, {
            operationId: op.id,
            report: (pods) => this.report(op.id, node, pods),
          });
          result = { state: r.ok ? 'succeeded' : 'failed', message: r.message };
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          const stop = entry.stop;
          result = !signal.aborted
            ? { state: 'failed', message }
            : stop?.kind === 'interrupt'
              ? { state: 'interrupted', message: stop.message }
              : { state: 'cancelled', message };
        } finally {
          rules.gate?.release(node);
        }
        op.results[node] = result;
        if (op.pods?.[node]) {
          const { [node]: _finished, ...rest } = op.pods;
          op.pods = Object.keys(rest).length ? rest : undefined;
        }
        if (result.state !== 'interrupted') op.done++;
        if (result.state === 'failed') {
          op.failed++;
          failedHere++;
          const limit = op.stopAfterFailures;
          if (limit !== undefined && failedHere >= limit)
            this.stop(entry, {
              kind: 'failures',
              message: `stopped after ${failedHere} failed node${failedHere === 1 ? '' : 's'} (stop after ${limit} failures)`,
            });
        }
        this.emit(op, node);
      }
    };
    await Promise.all(Array.from({ length: Math.min(op.concurrency, nodes.length) }, worker));
    op.waiting = undefined;
    op.pods = undefined;
    const unfinished = Object.values(op.results).some(
      (r) => r.state === 'pending' || r.state === 'interrupted',
    );
    const stop = entry.stop;
    if (stop?.kind === 'cancel') {
      settlePending(op, 'cancelled');
      op.state = 'cancelled';
      op.reason = 'cancelled by a user';
    } else if (
      stop?.kind === 'failures' &&
      !Object.values(op.results).some((r) => r.state === 'interrupted')
    ) {
      const skipped = settlePending(op, 'skipped', stop.message);
      op.state = 'stopped';
      op.reason = `${stop.message}; ${skipped} node${skipped === 1 ? '' : 's'} skipped`;
    } else if (unfinished) {
      op.state = 'interrupted';
      op.reason =
        stop?.kind === 'interrupt' ? stop.message : 'the replica stopped before every node finished';
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
