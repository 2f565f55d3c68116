import type { PodStats } from '@/lib/protocol/node-summary';
import { cpuMillis, memoryBytes } from '@/lib/shared/quantity';

/**
 * Slim per-node pod aggregate built from the pod watch: only node, requests and phase of
 * each pod are kept. `count` and requests cover non-terminated pods (what the scheduler
 * accounts for); `phases` counts every pod bound to the node.
 */

export interface PodEntry {
  node: string;
  cpu: number;
  mem: number;
  phase: string;
  active: boolean;
}

interface Agg {
  count: number;
  cpu: number;
  mem: number;
  phases: Map<string, number>;
}

type Loose = Record<string, unknown>;
const obj = (v: unknown): Loose => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Loose) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function requestsOf(containers: unknown): { cpu: number; mem: number }[] {
  return arr(containers).map((c) => {
    const req = obj(obj(obj(c).resources).requests);
    return {
      cpu: cpuMillis(req.cpu as string | undefined),
      mem: memoryBytes(req.memory as string | undefined),
    };
  });
}

/** Effective pod request as the scheduler computes it: max(sum(containers), max(init)) + overhead. */
export function podRequests(pod: unknown): { cpu: number; mem: number } {
  const spec = obj(obj(pod).spec);
  let cpu = 0;
  let mem = 0;
  for (const r of requestsOf(spec.containers)) {
    cpu += r.cpu;
    mem += r.mem;
  }
  for (const r of requestsOf(spec.initContainers)) {
    cpu = Math.max(cpu, r.cpu);
    mem = Math.max(mem, r.mem);
  }
  const overhead = obj(spec.overhead);
  cpu += cpuMillis(overhead.cpu as string | undefined);
  mem += memoryBytes(overhead.memory as string | undefined);
  return { cpu, mem };
}

export function podKey(pod: unknown): string {
  const meta = obj(obj(pod).metadata);
  return `${typeof meta.namespace === 'string' ? meta.namespace : ''}/${typeof meta.name === 'string' ? meta.name : ''}`;
}

function entryOf(pod: unknown): PodEntry | null {
  const o = obj(pod);
  const node = obj(o.spec).nodeName;
  if (typeof node !== 'string' || !node) return null;
  const phaseRaw = obj(o.status).phase;
  const phase = typeof phaseRaw === 'string' && phaseRaw ? phaseRaw : 'Pending';
  const active = phase !== 'Succeeded' && phase !== 'Failed';
  const { cpu, mem } = active ? podRequests(pod) : { cpu: 0, mem: 0 };
  return { node, cpu, mem, phase, active };
}

/** What a listed pod is reduced to while the list streams in. */
export interface SlimPod {
  key: string;
  entry: PodEntry | null;
}

export function slimPod(pod: unknown): SlimPod {
  return { key: podKey(pod), entry: entryOf(pod) };
}

export class PodIndex {
  private readonly pods = new Map<string, PodEntry>();
  private readonly aggs = new Map<string, Agg>();

  get podCount(): number {
    return this.pods.size;
  }

  /** ADDED/MODIFIED; returns the nodes whose aggregate may have changed. */
  upsert(pod: unknown): string[] {
    const key = podKey(pod);
    const prev = this.pods.get(key);
    const next = entryOf(pod);
    if (prev && next && sameEntry(prev, next)) return [];
    if (prev) this.account(prev, -1);
    if (next) {
      this.pods.set(key, next);
      this.account(next, 1);
    } else this.pods.delete(key);
    const touched = new Set<string>();
    if (prev) touched.add(prev.node);
    if (next) touched.add(next.node);
    return [...touched];
  }

  delete(pod: unknown): string[] {
    const key = podKey(pod);
    const prev = this.pods.get(key);
    if (!prev) return [];
    this.pods.delete(key);
    this.account(prev, -1);
    return [prev.node];
  }

  /** Rebuilds from a full list; returns every node whose aggregate is not provably unchanged. */
  replaceAll(pods: readonly unknown[]): string[] {
    return this.replaceAllSlim(pods.map(slimPod));
  }

  replaceAllSlim(pods: readonly SlimPod[]): string[] {
    const touched = new Set<string>(this.aggs.keys());
    this.pods.clear();
    this.aggs.clear();
    for (const { key, entry } of pods) {
      if (!entry) continue;
      this.pods.set(key, entry);
      this.account(entry, 1);
    }
    for (const n of this.aggs.keys()) touched.add(n);
    return [...touched];
  }

  /** A fresh immutable snapshot (the cache compares snapshots, so never hand out the live aggregate). */
  statsFor(node: string): PodStats {
    const a = this.aggs.get(node);
    if (!a) return { count: 0, cpuRequestsMilli: 0, memoryRequestsBytes: 0, phases: {} };
    const phases: Record<string, number> = {};
    for (const [k, v] of a.phases) phases[k] = v;
    return { count: a.count, cpuRequestsMilli: a.cpu, memoryRequestsBytes: a.mem, phases };
  }

  private account(e: PodEntry, sign: 1 | -1) {
    let a = this.aggs.get(e.node);
    if (!a) {
      a = { count: 0, cpu: 0, mem: 0, phases: new Map() };
      this.aggs.set(e.node, a);
    }
    if (e.active) {
      a.count += sign;
      a.cpu += sign * e.cpu;
      a.mem += sign * e.mem;
    }
    const p = (a.phases.get(e.phase) ?? 0) + sign;
    if (p > 0) a.phases.set(e.phase, p);
    else a.phases.delete(e.phase);
    if (a.phases.size === 0) this.aggs.delete(e.node);
  }
}

function sameEntry(a: PodEntry, b: PodEntry): boolean {
  return a.node === b.node && a.cpu === b.cpu && a.mem === b.mem && a.phase === b.phase;
}
