import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './app-server';

export const PROMETHEUS = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
export const PROMTOOL = process.env.PROMTOOL_BIN ?? '/usr/bin/promtool';

export interface ScrapeJob {
  name: string;
  target: string;
  bearer?: string;
}

export interface PrometheusServer {
  url: string;
  /** instant query; the vector's samples as label sets and numbers */
  query(expr: string): Promise<Array<{ metric: Record<string, string>; value: number }>>;
  /** the sum of an instant query's samples (0 when it selects nothing) */
  sum(expr: string): Promise<number>;
  /** resolves once every job has been scraped at or after `sinceMs` (so queries see the state from then on) */
  scrapedSince(sinceMs: number, timeoutMs?: number): Promise<void>;
  api<T>(pathAndQuery: string): Promise<T>;
  logs: string[];
  stop(): Promise<void>;
}

/**
 * A real Prometheus (Debian's package) in a temporary directory: scrapes `jobs` every second and
 * loads `ruleFiles`. Stopped (SIGTERM, then SIGKILL) and its directory removed by stop().
 */
export async function startPrometheus(
  jobs: ScrapeJob[],
  ruleFiles: string[] = [],
): Promise<PrometheusServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'knm-prom-'));
  const port = await freePort();
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' },
    rule_files: ruleFiles,
    scrape_configs: jobs.map((j) => ({
      job_name: j.name,
      metrics_path: '/api/metrics',
      static_configs: [{ targets: [j.target] }],
      ...(j.bearer ? { authorization: { type: 'Bearer', credentials: j.bearer } } : {}),
    })),
  };
  // JSON is YAML: no YAML writer needed
  await writeFile(path.join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
  const logs: string[] = [];
  const proc: ChildProcess = spawn(
    PROMETHEUS,
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  proc.stdout?.on('data', (c: Buffer) => logs.push(c.toString()));
  proc.stderr?.on('data', (c: Buffer) => logs.push(c.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;

  async function api<T>(pathAndQuery: string): Promise<T> {
    const res = await fetch(url + pathAndQuery);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus ${pathAndQuery}: ${body.error}`);
    return body.data;
  }
  async function query(expr: string) {
    const data = await api<{ result: Array<{ metric: Record<string, string>; value: [number, string] }> }>(
      `/api/v1/query?query=${encodeURIComponent(expr)}`,
    );
    return data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  }
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`prometheus exited: ${logs.join('')}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`prometheus did not start: ${logs.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    api,
    query,
    logs,
    sum: async (expr) => (await query(expr)).reduce((a, s) => a + s.value, 0),
    async scrapedSince(sinceMs, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const ups = await query('timestamp(up)');
        if (ups.length === jobs.length && ups.every((u) => u.value * 1000 >= sinceMs)) return;
        if (Date.now() > until) throw new Error(`no scrape since ${new Date(sinceMs).toISOString()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Runs promtool with `input` on stdin; returns its exit code and output. */
export function promtool(args: string[], input?: string): { code: number | null; output: string } {
  const r = spawnSync(PROMTOOL, args, { input, encoding: 'utf8' });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}
