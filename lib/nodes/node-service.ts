import { CoreV1Api, PatchStrategy, setHeaderOptions, type V1Node } from '@kubernetes/client-node';
import type { NodeSummary, Taint } from '@/lib/protocol/node-summary';
import { fromK8sError, k8sStatusCode, NodeOpError } from './errors';
import {
  applyTaintEdit,
  cordonPatch,
  labelPatch,
  uncordonPatch,
  validateLabelEdit,
  validateTaintEdit,
  type FieldError,
  type LabelEdit,
  type TaintEdit,
} from './node-edits';
import type { NodeSource } from './node-source';
import type { ActingUser } from '@/lib/identity/identity-service';

/** the first write plus three retries on fresh state */
const MAX_ATTEMPTS = 4;
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export interface NodeServiceOptions {
  source: NodeSource;
  /** bounded wait for the informer to see our write (read-your-writes) */
  readYourWritesMs?: number;
  now?: () => Date;
}

/** The state a label or taint write is computed from, with the resourceVersion it must still match. */
type WriteBasis = Pick<NodeSummary, 'resourceVersion' | 'labels' | 'taints'>;

export interface Actor {
  username: string;
  isAdmin: boolean;
  /** who the cluster is told acts (impersonate / oidc-token modes); absent: the kubeconfig's identity */
  acting?: ActingUser;
}

function invalid(node: string, errors: FieldError[]): NodeOpError {
  return new NodeOpError(
    'invalid',
    `node ${node}: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
    { fields: errors },
  );
}

/**
 * Label, taint and cordon writes. Each answers only once the cache has seen the write, so
 * the next read shows it; label and taint writes carry the resourceVersion they were computed
 * from and retry on fresh state after a 409.
 */
export class NodeService {
  private readonly ryw: number;
  private readonly now: () => Date;

  constructor(private readonly opts: NodeServiceOptions) {
    this.ryw = opts.readYourWritesMs ?? 3000;
    this.now = opts.now ?? (() => new Date());
  }

  editLabels(cluster: string, node: string, edit: LabelEdit, actor: Actor): Promise<NodeSummary> {
    const errors = validateLabelEdit(edit, actor.isAdmin);
    if (errors.length) return Promise.reject(invalid(node, errors));
    return this.optimistic(cluster, node, actor, (cur) => {
      const labels = labelPatch(cur.labels, edit);
      return labels && { metadata: { resourceVersion: cur.resourceVersion, labels } };
    });
  }

  editTaints(cluster: string, node: string, edit: TaintEdit, actor: Actor): Promise<NodeSummary> {
    const errors = validateTaintEdit(edit, actor.isAdmin);
    if (errors.length) return Promise.reject(invalid(node, errors));
    return this.optimistic(cluster, node, actor, (cur) => {
      const taints = applyTaintEdit(cur.taints, edit);
      return taints && { metadata: { resourceVersion: cur.resourceVersion }, spec: { taints } };
    });
  }

  async cordon(cluster: string, node: string, actor: Actor, reason?: string): Promise<NodeSummary> {
    await this.current(cluster, node);
    return this.write(cluster, node, actor, cordonPatch(actor.username, reason, this.now()));
  }

  async uncordon(cluster: string, node: string, actor: Actor): Promise<NodeSummary> {
    await this.current(cluster, node);
    return this.write(cluster, node, actor, uncordonPatch());
  }

  private async current(cluster: string, node: string): Promise<NodeSummary> {
    const cur = await this.opts.source.getNode(cluster, node).catch((err: unknown) => {
      throw fromK8sError(err, `node ${node}`);
    });
    if (!cur) throw new NodeOpError('not_found', `node ${node} not found in cluster ${cluster}`);
    return cur;
  }

  private async optimistic(
    cluster: string,
    node: string,
    actor: Actor,
    build: (cur: WriteBasis) => Record<string, unknown> | null,
  ): Promise<NodeSummary> {
    let cur: WriteBasis = await this.current(cluster, node);
    for (let attempt = 1; ; attempt++) {
      const body = build(cur);
      if (!body) return this.current(cluster, node);
      try {
        return await this.write(cluster, node, actor, body);
      } catch (err) {
        if (!(err instanceof NodeOpError && err.code === 'conflict') || attempt >= MAX_ATTEMPTS) throw err;
        // jitter desynchronizes writers that keep colliding on the same node
        await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
        cur = await this.fresh(cluster, node, actor);
      }
    }
  }

  /** After a conflict the cache may lag behind; retry on the API server's current object instead. */
  private async fresh(cluster: string, node: string, actor: Actor): Promise<WriteBasis> {
    const api = this.opts.source.kubeConfig(cluster, actor).makeApiClient(CoreV1Api);
    try {
      const obj = await api.readNode({ name: node });
      return {
        resourceVersion: obj.metadata?.resourceVersion ?? '',
        labels: obj.metadata?.labels ?? {},
        taints: (obj.spec?.taints ?? []).map((t) => ({
          key: t.key,
          value: t.value,
          effect: t.effect as Taint['effect'],
        })),
      };
    } catch (err) {
      throw fromK8sError(err, `node ${node}`);
    }
  }

  private async write(
    cluster: string,
    node: string,
    actor: Actor,
    body: Record<string, unknown>,
  ): Promise<NodeSummary> {
    const api = this.opts.source.kubeConfig(cluster, actor).makeApiClient(CoreV1Api);
    let written: V1Node;
    try {
      written = await api.patchNode({ name: node, body }, mergePatch);
    } catch (err) {
      if (k8sStatusCode(err) === 409)
        throw new NodeOpError('conflict', `node ${node} changed meanwhile; retry on fresh state`);
      throw fromK8sError(err, `node ${node}`);
    }
    const rv = written.metadata?.resourceVersion ?? '';
    const seen = await this.opts.source.waitForResourceVersion(cluster, node, rv, this.ryw);
    if (!seen) {
      throw new NodeOpError(
        'timeout',
        `node ${node}: the change was written (resourceVersion ${rv}) but not yet seen by the cache within ${this.ryw} ms`,
      );
    }
    return seen;
  }
}
