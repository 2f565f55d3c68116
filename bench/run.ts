import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BenchResult } from './types';
import { meetsTarget } from './verdict';

// Runs every suite in bench/*-bench.ts (each exports run(): Promise<BenchResult[]>) and writes docs/benchmarks.md.
const suites = [
  'sim',
  'realtime',
  'scale',
  'push',
  'windows',
  'usage',
  'node-api',
  'metrics',
  'bus',
  'browser',
];
const only = process.argv.slice(2);

const sections: string[] = [];
let failed = false;
const loadAtStart = os.loadavg()[0] ?? 0;
for (const suite of suites) {
  if (only.length && !only.includes(suite)) continue;
  const file = path.join(import.meta.dirname, `${suite}-bench.ts`);
  if (!existsSync(file)) continue;
  console.log(`--- ${suite}`);
  const t0 = Date.now();
  let results: BenchResult[];
  let notes = '';
  try {
    // a suite may export `notes`: definitions printed above its table
    const mod = (await import(file)) as { run: () => Promise<BenchResult[]>; notes?: string };
    results = await mod.run();
    notes = mod.notes ? `${mod.notes.trim()}\n\n` : '';
  } catch (err) {
    console.error(`${suite} failed:`, err);
    failed = true;
    sections.push(`## ${suite}\n\nThe suite failed: ${String(err)}\n`);
    continue;
  }
  const rows = results.map((r) => {
    const base = r.baseline ? `${r.baseline.name}: ${fmt(r.baseline.value)} ${r.unit}` : '';
    // the verdict comes from the printed target alone; a suite's own pass flag must agree with it
    const checked = r.target === undefined ? undefined : meetsTarget(r.value, r.target);
    if (checked !== undefined && r.pass !== undefined && checked !== r.pass)
      console.error(
        `${r.name}: pass=${r.pass} disagrees with the printed target "${r.target}"; using the target`,
      );
    const pass = checked ?? r.pass;
    const verdict = pass === undefined ? '' : pass ? 'met' : '**missed**';
    console.log(`${r.name}: ${fmt(r.value)} ${r.unit} ${r.target ?? ''} ${verdict} ${base}`);
    const name = r.definition ? `${r.name}<br><sub>${r.definition.replaceAll('|', '\\|')}</sub>` : r.name;
    return `| ${name} | ${fmt(r.value)} ${r.unit} | ${r.target ?? ''} | ${verdict} | ${base} |`;
  });
  const alone = only.length
    ? `, run alone (\`npm run bench -- ${suite}\`) on ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, Node ${process.version}, load average ${loadAtStart.toFixed(2)} at the start; the other sections come from their own runs`
    : '';
  sections.push(
    `## ${suite}\n\n_${((Date.now() - t0) / 1000).toFixed(1)} s${alone}_\n\n${notes}| measurement | value | target | | baseline (same run) |\n| --- | --- | --- | --- | --- |\n${rows.join('\n')}\n`,
  );
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
}

if (!only.length) {
  const load = `1-minute load average ${loadAtStart.toFixed(2)} at the start, ${(os.loadavg()[0] ?? 0).toFixed(2)} at the end`;
  const header = `# Benchmarks\n\nWritten by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ${load}. Each baseline ran in the same process run as the figure beside it. Under each measurement, in small print, is exactly what it measures. A verdict compares the value with the target printed beside it and nothing else. The machine may be shared with other work: a load average near or above the core count means the latencies are upper bounds.\n\n`;
  await writeFile(
    path.join(import.meta.dirname, '..', 'docs', 'benchmarks.md'),
    header + sections.join('\n'),
  );
  console.log('wrote docs/benchmarks.md');
} else if (sections.length) {
  // a partial run replaces its own sections (or adds them in suite order) and keeps the rest
  const file = path.join(import.meta.dirname, '..', 'docs', 'benchmarks.md');
  let doc = existsSync(file) ? await readFile(file, 'utf8') : '# Benchmarks\n\n';
  for (const section of sections) {
    const suite = /^## (\S+)/.exec(section)?.[1] as string;
    const at = (name: string) => doc.search(new RegExp(`^## ${name}\\s*$`, 'm'));
    const start = at(suite);
    if (start >= 0) {
      const next = doc.slice(start + 1).search(/^## /m);
      doc = doc.slice(0, start) + section + (next < 0 ? '' : `\n${doc.slice(start + 1 + next)}`);
      continue;
    }
    const later = suites
      .slice(suites.indexOf(suite) + 1)
      .map(at)
      .find((i) => i >= 0);
    doc =
      later === undefined
        ? `${doc.trimEnd()}\n\n${section}`
        : `${doc.slice(0, later)}${section}\n${doc.slice(later)}`;
  }
  await writeFile(file, doc);
  console.log(`updated ${sections.length} section(s) of docs/benchmarks.md`);
}
process.exit(failed ? 1 : 0);
