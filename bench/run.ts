import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BenchResult } from './types';

// Runs every suite in bench/*-bench.ts (each exports run(): Promise<BenchResult[]>) and writes docs/benchmarks.md.
const suites = ['sim', 'realtime', 'push', 'node-api', 'bus'];
const only = process.argv.slice(2);

const sections: string[] = [];
let failed = false;
for (const suite of suites) {
  if (only.length && !only.includes(suite)) continue;
  const file = path.join(import.meta.dirname, `${suite}-bench.ts`);
  if (!existsSync(file)) continue;
  console.log(`--- ${suite}`);
  const t0 = Date.now();
  let results: BenchResult[];
  try {
    const mod = (await import(file)) as { run: () => Promise<BenchResult[]> };
    results = await mod.run();
  } catch (err) {
    console.error(`${suite} failed:`, err);
    failed = true;
    sections.push(`## ${suite}\n\nThe suite failed: ${String(err)}\n`);
    continue;
  }
  const rows = results.map((r) => {
    const base = r.baseline ? `${r.baseline.name}: ${fmt(r.baseline.value)} ${r.unit}` : '';
    const verdict = r.pass === undefined ? '' : r.pass ? 'met' : '**missed**';
    console.log(`${r.name}: ${fmt(r.value)} ${r.unit} ${r.target ?? ''} ${verdict} ${base}`);
    return `| ${r.name} | ${fmt(r.value)} ${r.unit} | ${r.target ?? ''} | ${verdict} | ${base} |`;
  });
  sections.push(
    `## ${suite}\n\n_${((Date.now() - t0) / 1000).toFixed(1)} s_\n\n| measurement | value | target | | baseline (same run) |\n| --- | --- | --- | --- | --- |\n${rows.join('\n')}\n`,
  );
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
}

if (!only.length) {
  const header = `# Benchmarks\n\nWritten by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}. Each baseline ran in the same process run as the figure beside it.\n\n`;
  await writeFile(
    path.join(import.meta.dirname, '..', 'docs', 'benchmarks.md'),
    header + sections.join('\n'),
  );
  console.log('wrote docs/benchmarks.md');
}
process.exit(failed ? 1 : 0);
