import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IIngress, INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { IClusterRole, IClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import type { IContainer, INamespace, IService } from 'kubernetes-models/v1';
import type { IHTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1';
import { beforeAll, describe, expect, it } from 'vitest';
import { kubectlBinary } from './helpers/kubectl';
import { deployDir, findObject, renderKustomization, type K8sObject } from './helpers/manifests';

const overlays = readdirSync(path.join(deployDir, 'overlays')).sort();

/** The kubernetes-models class for an object's apiVersion and kind (its schema validates it). */
async function modelFor(o: K8sObject): Promise<{ validate(): void }> {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  const specifier =
    group === 'gateway.networking.k8s.io'
      ? `@kubernetes-models/gateway-api/${group}/${version}`
      : group
        ? `kubernetes-models/${group}/${version}`
        : `kubernetes-models/${version}`;
  const exports = (await import(specifier)) as Record<string, new (data: unknown) => { validate(): void }>;
  const Model = exports[o.kind];
  if (!Model) throw new Error(`no schema for ${o.apiVersion} ${o.kind}`);
  return new Model(o);
}

/** What the code calls on the cluster it runs in (see the comments in deploy/base/clusterrole.yaml). */
const expectedRules = [
  { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch', 'patch'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] },
  { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['get'] },
  { apiGroups: [''], resources: ['events'], verbs: ['list'] },
  { apiGroups: ['apps'], resources: ['daemonsets'], verbs: ['get'] },
  { apiGroups: ['metrics.k8s.io'], resources: ['nodes'], verbs: ['get', 'list'] },
];

describe.skipIf(!kubectlBinary())('Kubernetes manifests (deploy/)', () => {
  const rendered = new Map<string, K8sObject[]>();
  beforeAll(async () => {
    for (const o of overlays) rendered.set(o, await renderKustomization(`overlays/${o}`));
  });

  it('the impersonation component adds to any overlay a ClusterRole that may only impersonate users and groups', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'knm-kustomize-'));
    try {
      writeFileSync(
        path.join(dir, 'kustomization.yaml'),
        [
          'apiVersion: kustomize.config.k8s.io/v1beta1',
          'kind: Kustomization',
          `resources: [${path.relative(dir, path.join(deployDir, 'overlays/single'))}]`,
          `components: [${path.relative(dir, path.join(deployDir, 'components/impersonation'))}]`,
        ].join('\n'),
      );
      const objects = await renderKustomization(dir);
      for (const o of objects) {
        const model = await modelFor(o);
        expect(() => model.validate(), o.kind).not.toThrow();
      }
      const role = findObject<IClusterRole>(objects, 'ClusterRole', 'kube-node-manager-impersonator');
      expect(role.rules).toEqual([
        { apiGroups: [''], resources: ['users', 'groups'], verbs: ['impersonate'] },
      ]);
      const binding = findObject<IClusterRoleBinding>(
        objects,
        'ClusterRoleBinding',
        'kube-node-manager-impersonator',
      );
      expect(binding.roleRef).toMatchObject({ kind: 'ClusterRole', name: 'kube-node-manager-impersonator' });
      expect(binding.subjects).toEqual([
        { kind: 'ServiceAccount', name: 'kube-node-manager', namespace: 'kube-node-manager' },
      ]);
      // the base role is untouched: impersonation is opt-in
      const base = findObject<IClusterRole>(objects, 'ClusterRole', 'kube-node-manager');
      expect(base.rules).toEqual(expectedRules);
      expect(rendered.get('single')!.some((o) => o.metadata.name === 'kube-node-manager-impersonator')).toBe(
        false,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has the overlays the docs describe', () => {
    expect(overlays).toEqual(['gateway-api', 'ha', 'ingress-nginx', 'single']);
  });

  describe.each(overlays)('overlay %s', (overlay) => {
    const objects = () => rendered.get(overlay)!;
    const deployment = () => findObject<IDeployment>(objects(), 'Deployment', 'kube-node-manager');
    const server = () => deployment().spec!.template.spec!.containers.find((c) => c.name === 'server')!;

    it('every object validates against its Kubernetes schema and lives in the app namespace', async () => {
      for (const o of objects()) {
        const model = await modelFor(o);
        expect(() => model.validate(), `${o.kind}/${o.metadata.name}`).not.toThrow();
        if (!['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind))
          expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe('kube-node-manager');
      }
      const ns = findObject<INamespace>(objects(), 'Namespace');
      expect(ns.metadata!.labels!['pod-security.kubernetes.io/enforce']).toBe('restricted');
    });

    it('runs as a non-root user on a read-only root filesystem with no capabilities', () => {
      const pod = deployment().spec!.template.spec!;
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.securityContext!.runAsUser).toBeGreaterThan(0);
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
        expect(c.securityContext, c.name).toMatchObject({
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(c.securityContext!.capabilities!.add ?? []).toEqual([]);
        expect(c.securityContext!.privileged ?? false).toBe(false);
      }
      // only DATA_DIR and a tmp volume are writable
      expect(
        server()
          .volumeMounts!.map((m) => m.mountPath)
          .sort(),
      ).toEqual(['/data', '/tmp']);
      expect(server().env!.find((e) => e.name === 'DATA_DIR')?.value).toBe('/data');
      expect(server().image).toMatch(/^kube-node-manager:\d+\.\d+\.\d+$/);
    });

    it('probes readiness and liveness, drains sockets before SIGTERM, and has sized resources', () => {
      const c: IContainer = server();
      expect(c.readinessProbe?.httpGet?.path).toBe('/api/readyz');
      expect(c.livenessProbe?.httpGet?.path).toBe('/api/healthz');
      expect(c.startupProbe?.httpGet?.path).toBe('/api/healthz');
      const preStop = c.lifecycle?.preStop?.exec?.command?.join(' ') ?? '';
      const waitMs = Number(/setTimeout\(\(\) => \{\}, (\d+)\)/.exec(preStop)?.[1]);
      expect(waitMs).toBeGreaterThanOrEqual(3000);
      // preStop, then the app's own 10 s shutdown deadline, must end before the kubelet's SIGKILL
      expect(deployment().spec!.template.spec!.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(
        waitMs + 10_000,
      );
      for (const k of ['requests', 'limits'] as const) {
        expect(c.resources?.[k]?.cpu, k).toBeDefined();
        expect(c.resources?.[k]?.memory, k).toBeDefined();
      }
      expect(findObject(objects(), 'ConfigMap').data).toMatchObject({
        NODE_OPTIONS: expect.stringMatching(/--max-old-space-size=\d+/),
        DEMO_CLUSTER: 'false',
      });
    });

    it('takes credentials from the Secret, never from plain values', () => {
      const env = server().env!;
      for (const name of ['NEXTAUTH_SECRET', 'ENCRYPTION_KEY', 'DATABASE_URL', 'OIDC_CLIENT_SECRET'])
        expect(env.find((e) => e.name === name)?.valueFrom?.secretKeyRef?.name, name).toBe(
          'kube-node-manager',
        );
      expect(findObject(objects(), 'ConfigMap').data).not.toHaveProperty('NEXTAUTH_SECRET');
    });

    it('binds the pod ServiceAccount to a ClusterRole of exactly the verbs the code uses, no wildcards', () => {
      const role = findObject<IClusterRole>(objects(), 'ClusterRole', 'kube-node-manager');
      expect(role.rules).toEqual(expectedRules);
      expect(JSON.stringify(role.rules)).not.toContain('*');
      const binding = findObject<IClusterRoleBinding>(objects(), 'ClusterRoleBinding', 'kube-node-manager');
      const pod = deployment().spec!.template.spec!;
      expect(binding.roleRef).toMatchObject({ kind: 'ClusterRole', name: 'kube-node-manager' });
      expect(binding.subjects).toEqual([
        { kind: 'ServiceAccount', name: pod.serviceAccountName, namespace: deployment().metadata!.namespace },
      ]);
      expect(pod.automountServiceAccountToken).toBe(true);
    });

    it('Service, PodDisruptionBudget and NetworkPolicy select the pods', () => {
      const labels = deployment().spec!.template.metadata!.labels!;
      const matches = (sel: Record<string, string> | undefined) =>
        Object.entries(sel ?? {}).every(([k, v]) => labels[k] === v) && Object.keys(sel ?? {}).length > 0;
      expect(matches(findObject<IService>(objects(), 'Service').spec!.selector)).toBe(true);
      const pdb = findObject<IPodDisruptionBudget>(objects(), 'PodDisruptionBudget');
      expect(matches(pdb.spec!.selector!.matchLabels)).toBe(true);
      expect(pdb.spec!.maxUnavailable).toBe(1);
      expect(
        matches(findObject<INetworkPolicy>(objects(), 'NetworkPolicy').spec!.podSelector!.matchLabels),
      ).toBe(true);
    });
  });

  it('single: one replica, Recreate, SQLite on a PersistentVolumeClaim of this overlay', () => {
    for (const overlay of ['single', 'ingress-nginx']) {
      const objects = rendered.get(overlay)!;
      const d = findObject<IDeployment>(objects, 'Deployment');
      expect(d.spec!.replicas).toBe(1);
      expect(d.spec!.strategy!.type).toBe('Recreate');
      const data = d.spec!.template.spec!.volumes!.find((v) => v.name === 'data')!;
      expect(data.emptyDir).toBeUndefined();
      findObject(objects, 'PersistentVolumeClaim', data.persistentVolumeClaim!.claimName);
    }
  });

  it('ha: two or more replicas that require the shared Secret (PostgreSQL, session and encryption keys)', () => {
    for (const overlay of ['ha', 'gateway-api']) {
      const d = findObject<IDeployment>(rendered.get(overlay)!, 'Deployment');
      expect(d.spec!.replicas).toBeGreaterThanOrEqual(2);
      expect(d.spec!.strategy).toMatchObject({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } });
      const env = d.spec!.template.spec!.containers[0]!.env!;
      for (const name of ['DATABASE_URL', 'NEXTAUTH_SECRET', 'ENCRYPTION_KEY'])
        expect(env.find((e) => e.name === name)?.valueFrom?.secretKeyRef?.optional, name).toBe(false);
      expect(d.spec!.template.spec!.topologySpreadConstraints?.[0]?.topologyKey).toBe(
        'kubernetes.io/hostname',
      );
    }
  });

  it('ingress-nginx: WebSocket and SSE are neither timed out after a minute nor buffered', () => {
    const objects = rendered.get('ingress-nginx')!;
    const ing = findObject<IIngress>(objects, 'Ingress');
    const a = ing.metadata!.annotations!;
    expect(Number(a['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThanOrEqual(3600);
    expect(Number(a['nginx.ingress.kubernetes.io/proxy-send-timeout'])).toBeGreaterThanOrEqual(3600);
    expect(a['nginx.ingress.kubernetes.io/proxy-buffering']).toBe('off');
    const backend = ing.spec!.rules![0]!.http!.paths[0]!.backend.service!;
    const svc = findObject<IService>(objects, 'Service', backend.name);
    expect(svc.spec!.ports!.map((p) => p.name)).toContain(backend.port!.name);
    const host = ing.spec!.rules![0]!.host!;
    expect(ing.spec!.tls![0]!.hosts).toContain(host);
    expect(findObject(objects, 'ConfigMap').data).toMatchObject({ NEXTAUTH_URL: `https://${host}` });
  });

  it('gateway-api: the route turns request timeouts off and points at the Service', () => {
    const objects = rendered.get('gateway-api')!;
    const route = findObject<IHTTPRoute>(objects, 'HTTPRoute');
    const rule = route.spec.rules![0]!;
    expect(rule.timeouts).toEqual({ request: '0s', backendRequest: '0s' });
    const ref = rule.backendRefs![0]!;
    const svc = findObject<IService>(objects, 'Service', ref.name);
    expect(svc.spec!.ports!.map((p) => p.port)).toContain(ref.port);
    expect(findObject(objects, 'ConfigMap').data).toMatchObject({
      NEXTAUTH_URL: `https://${route.spec.hostnames![0]}`,
    });
  });
});
