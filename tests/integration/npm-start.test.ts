import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually, freePort } from './helpers/app-server';

const root = path.resolve(import.meta.dirname, '../..');

/** Every live descendant of pid, from /proc (ppid is the 4th field of /proc/N/stat). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited while we looked
    }
  }
  const out: number[] = [];
  const walk = (p: number) => (children.get(p) ?? []).forEach((c) => (out.push(c), walk(c)));
  walk(pid);
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

describe('npm start under a process supervisor', () => {
  it('SIGTERM to `npm start` itself ends with exit 0 and leaves no process behind', async () => {
    const port = await freePort();
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'knm-npm-start-'));
    const logs: string[] = [];
    // the real script, as systemd or a container runtime starts it
    const npm = spawn('npm', ['start'], {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        DEMO_NODES: '10',
        DEMO_CHURN: 'false',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    npm.stdout.on('data', (c: Buffer) => logs.push(c.toString()));
    npm.stderr.on('data', (c: Buffer) => logs.push(c.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      npm.once('exit', (code, signal) => resolve({ code, signal })),
    );
    let tree: number[] = [];
    try {
      await eventually(
        async () => (await fetch(`http://127.0.0.1:${port}/api/healthz`).catch(() => undefined))?.ok,
        `npm start serving on ${port}`,
        90_000,
      );
      tree = descendants(npm.pid!);
      const server = tree.find((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('dist/server.js'));
      expect(server, `server process among ${tree.join(',')}`).toBeDefined();
      // exec: the shell npm runs the script with is replaced by node, so nothing sits in between
      expect(readFileSync(`/proc/${server}/stat`, 'utf8')).toMatch(new RegExp(`\\) \\w ${npm.pid} `));

      npm.kill('SIGTERM');
      const result = await exited;
      expect(result, logs.join('')).toEqual({ code: 0, signal: null });
      expect(logs.join('')).toMatch(/shutdown complete/);
      await eventually(() => tree.every((p) => !alive(p)), 'no process of the app left', 5000);
      expect(await portOpen(port)).toBe(false);
    } finally {
      if (npm.exitCode === null) npm.kill('SIGKILL');
      for (const p of tree) if (alive(p)) process.kill(p, 'SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
