import { createInterface } from 'node:readline';
import { startSimulator, type Simulator } from '@/lib/sim';
import { generateTls } from '@/lib/sim/http/tls';

/**
 * Many small simulated clusters in one process, for the 100-cluster bench: each its own HTTPS
 * server and store (distinct seeds, so no two clusters share data), all serving one certificate.
 * Prints one JSON line with the kubeconfigs, then exits when stdin closes or says so.
 */
const count = Number(process.argv[2] ?? 50);
const nodes = Number(process.argv[3] ?? 1000);
const firstSeed = Number(process.argv[4] ?? 1);
const tls = generateTls('127.0.0.1');
const sims: Simulator[] = [];
for (let i = 0; i < count; i++)
  sims.push(
    await startSimulator({
      nodes,
      seed: firstSeed + i,
      tls,
      bookmarkIntervalMs: 5000,
      nodeStatusIntervalMs: 0,
      leaseIntervalMs: 0,
    }),
  );
process.stdout.write(`${JSON.stringify({ kubeconfigs: sims.map((s) => s.kubeconfig()) })}\n`);

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if ((JSON.parse(line) as { cmd?: string }).cmd === 'exit') rl.close();
});
rl.on('close', () => void Promise.all(sims.map((s) => s.close())).then(() => process.exit(0)));
