import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '@/lib/sim';
import { waitFor } from './sim-http-helpers';

const sdk = '/usr/lib/google-cloud-sdk/bin';
function findBinaries(): string[] {
  const versioned = ['kubectl.1.27', 'kubectl.1.33']
    .map((b) => path.join(sdk, b))
    .filter((p) => existsSync(p));
  if (versioned.length) return versioned;
  for (const dir of (process.env.PATH ?? '').split(':'))
    if (dir && existsSync(path.join(dir, 'kubectl'))) return [path.join(dir, 'kubectl')];
  return [];
}
const binaries = findBinaries();

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe.skipIf(binaries.length === 0)('simulator with real kubectl', () => {
  let sim: Simulator;
  let dir: string;
  let kubeconfig: string;
  let controlPlane: string;
  let workers: string[];
  const children: ChildProcess[] = [];

  const kubectl = (bin: string, args: string[], timeout = 20_000): Promise<Run> =>
    new Promise((resolve) => {
      execFile(bin, ['--kubeconfig', kubeconfig, ...args], { timeout }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });

  beforeAll(async () => {
    sim = await startSimulator({ nodes: 4, podsPerNode: 3, seed: 21, podGracePeriodSeconds: 1 });
    dir = mkdtempSync(path.join(tmpdir(), 'sim-kubectl-'));
    kubeconfig = path.join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, sim.kubeconfig(), { mode: 0o600 });
    const names = sim.store.nodeNames().sort();
    controlPlane = names.find((n) => n.startsWith('control-plane'))!;
    workers = names.filter((n) => n !== controlPlane);
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe.each(binaries.map((b, i) => [path.basename(b), b, i] as const))('%s', (_label, bin, idx) => {
    it('get nodes prints server-side Table columns; -o wide adds priority-1 columns', async () => {
      const r = await kubectl(bin, ['get', 'nodes']);
      expect(r.code, r.stderr).toBe(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines[0]!.split(/\s+/)).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
      expect(lines).toHaveLength(5);
      expect(r.stdout).toMatch(
        new RegExp(`${controlPlane}\\s+Ready\\s+control-plane\\s+\\S+\\s+v1\\.31\\.4`),
      );
      const wide = await kubectl(bin, ['get', 'nodes', '-o', 'wide']);
      expect(wide.stdout.split('\n')[0]!.split(/\s+/).filter(Boolean)).toEqual([
        'NAME',
        'STATUS',
        'ROLES',
        'AGE',
        'VERSION',
        'INTERNAL-IP',
        'EXTERNAL-IP',
        'OS-IMAGE',
        'KERNEL-VERSION',
        'CONTAINER-RUNTIME',
      ]);
      expect(wide.stdout).toContain('containerd://1.7.23');
      expect(wide.stdout).toContain('<none>');
    });

    it('label, taint, cordon and uncordon change the stored node', async () => {
      const n = controlPlane;
      const label = await kubectl(bin, ['label', 'node', n, `kubectl-${idx}=yes`]);
      expect(label.stdout).toContain(`node/${n} labeled`);
      expect(sim.store.getNode(n).metadata.labels?.[`kubectl-${idx}`]).toBe('yes');
      const bad = await kubectl(bin, ['label', 'node', n, 'bad_key-=x']);
      expect(bad.code).not.toBe(0);

      expect((await kubectl(bin, ['taint', 'node', n, `maint-${idx}=true:NoExecute`])).stdout).toContain(
        'tainted',
      );
      const taints = () =>
        ((sim.store.getNode(n).spec as { taints?: Array<{ key: string; effect: string }> }).taints ?? []).map(
          (t) => `${t.key}:${t.effect}`,
        );
      expect(taints()).toContain(`maint-${idx}:NoExecute`);
      expect((await kubectl(bin, ['taint', 'node', n, `maint-${idx}=true:NoExecute-`])).stdout).toContain(
        'untainted',
      );
      expect(taints()).not.toContain(`maint-${idx}:NoExecute`);

      expect((await kubectl(bin, ['cordon', n])).stdout).toContain('cordoned');
      expect(taints()).toContain('node.kubernetes.io/unschedulable:NoSchedule');
      expect((await kubectl(bin, ['get', 'nodes', n])).stdout).toContain('Ready,SchedulingDisabled');
      expect((await kubectl(bin, ['uncordon', n])).stdout).toContain('uncordoned');
      expect(taints()).not.toContain('node.kubernetes.io/unschedulable:NoSchedule');
    });

    it('get nodes -w shows a change', async () => {
      const child = spawn(bin, ['--kubeconfig', kubeconfig, 'get', 'nodes', '-w']);
      children.push(child);
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      await waitFor(() => out.split('\n').length > 4, 10_000);
      sim.store.cordonNode(workers[2]!);
      await waitFor(() => new RegExp(`${workers[2]}\\s+Ready,SchedulingDisabled`).test(out), 10_000);
      sim.store.cordonNode(workers[2]!, false);
      child.kill('SIGTERM');
    });

    it('describe node and top node', async () => {
      const d = await kubectl(bin, ['describe', 'node', workers[idx]!]);
      expect(d.code, d.stderr).toBe(0);
      for (const s of [
        'Name:               ' + workers[idx],
        'Conditions:',
        'Ready                True',
        'Non-terminated Pods:',
        'kube-proxy-',
        'HolderIdentity:',
        'Events:',
      ]) {
        expect(d.stdout).toContain(s);
      }
      const top = await kubectl(bin, ['top', 'node']);
      expect(top.code, top.stderr).toBe(0);
      expect(top.stdout).toMatch(/CPU\(cores\)/);
      expect(top.stdout).toMatch(new RegExp(`${workers[idx]}\\s+\\d+m\\s+\\d+%`));
    });

    it('drain retries while a PDB blocks (429) and completes once the PDB is removed', async () => {
      const node = workers[idx]!;
      sim.store.create(
        'poddisruptionbudgets',
        {
          metadata: { name: `guard-${idx}` },
          spec: { minAvailable: 1000, selector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] } },
        },
        'apps',
      );
      const child = spawn(bin, [
        '--kubeconfig',
        kubeconfig,
        'drain',
        node,
        '--ignore-daemonsets',
        '--delete-emptydir-data',
        '--timeout=60s',
      ]);
      children.push(child);
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      const exited = new Promise<number>((r) => child.on('exit', (code) => r(code ?? -1)));
      await waitFor(
        () => out.includes("Cannot evict pod as it would violate the pod's disruption budget."),
        15_000,
      );
      expect(out).toContain('will retry after 5s');
      expect(sim.store.listPods({ fieldSelector: `spec.nodeName=${node}` }).length).toBe(3);
      const del = await kubectl(bin, ['delete', 'pdb', '-n', 'apps', `guard-${idx}`]);
      expect(del.stdout).toContain('deleted');
      expect(await exited).toBe(0);
      expect(out).toContain(`node/${node} drained`);
      expect(out).toContain('ignoring DaemonSet-managed Pods: kube-system/kube-proxy-');
      const left = sim.store.listPods({ fieldSelector: `spec.nodeName=${node}` });
      expect(left.map((p) => p.metadata.namespace)).toEqual(['kube-system']);
      expect((sim.store.getNode(node).spec as { unschedulable?: boolean }).unschedulable).toBe(true);
    }, 40_000);
  });
});
