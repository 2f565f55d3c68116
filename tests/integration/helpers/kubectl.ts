import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const sdk = '/usr/lib/google-cloud-sdk/bin';

/** kubectl on this machine: on PATH (Debian's kubernetes-client), else the newest versioned SDK binary. */
export function kubectlBinary(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':'))
    if (dir && existsSync(path.join(dir, 'kubectl'))) return path.join(dir, 'kubectl');
  const versioned = existsSync(sdk)
    ? readdirSync(sdk)
        .filter((f) => /^kubectl\.1\.\d+$/.test(f))
        .sort((a, b) => Number(a.split('.')[2]) - Number(b.split('.')[2]))
    : [];
  const newest = versioned.at(-1);
  return newest ? path.join(sdk, newest) : undefined;
}

export interface KubectlRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function kubectl(
  args: string[],
  opts: { kubeconfig?: string; timeoutMs?: number } = {},
): Promise<KubectlRun> {
  const bin = kubectlBinary();
  if (!bin) throw new Error('kubectl not found (apt-get install kubernetes-client)');
  const full = opts.kubeconfig ? ['--kubeconfig', opts.kubeconfig, ...args] : args;
  return new Promise((resolve) => {
    execFile(bin, full, { timeout: opts.timeoutMs ?? 30_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
