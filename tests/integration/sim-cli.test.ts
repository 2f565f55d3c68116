import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from './sim-http-helpers';

describe('npm run sim (lib/sim/cli.ts)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sim-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a working kubeconfig, serves nodes and exits 0 on SIGTERM', async () => {
    const file = path.join(dir, 'sim.kubeconfig');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'lib/sim/cli.ts', '--nodes', '7', '--port', '0', '--kubeconfig', file],
      { cwd: process.cwd() },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      await waitFor(() => out.includes('kubeconfig written to'), 20_000);
      expect(out).toMatch(/7 nodes serving at https:\/\/127\.0\.0\.1:\d+/);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const kc = new KubeConfig();
      kc.loadFromString(readFileSync(file, 'utf8'));
      expect((await kc.makeApiClient(CoreV1Api).listNode()).items).toHaveLength(7);
      const ro = new KubeConfig();
      ro.loadFromString(readFileSync(path.join(dir, 'sim.readonly.kubeconfig'), 'utf8'));
      expect((await ro.makeApiClient(CoreV1Api).listNode()).items).toHaveLength(7);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(out).toContain('SIGTERM received');
  });

  it('rejects bad flags with exit code 2 naming the flag', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'lib/sim/cli.ts', '--nodes', 'lots'], {
      cwd: process.cwd(),
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(2);
    expect(err).toContain('--nodes must be an integer');
  });
});
