import { createInterface } from 'node:readline';
import { startSimulator } from '@/lib/sim';

/**
 * The simulator for bench/realtime-bench.ts, in its own process so its CPU (watch
 * serialization, store writes) is not billed to the realtime manager being measured.
 * Protocol: one JSON line out with the kubeconfig, then JSON commands on stdin.
 */
const nodes = Number(process.argv[2] ?? 5000);
const podsPerNode = Number(process.argv[3] ?? 2);
const sim = await startSimulator({
  nodes,
  podsPerNode,
  seed: 42,
  bookmarkIntervalMs: 5000,
  nodeStatusIntervalMs: 0,
  leaseIntervalMs: 0,
});
const names = sim.store.nodeNames();
process.stdout.write(`${JSON.stringify({ kubeconfig: sim.kubeconfig(), nodes: names.length })}\n`);

let counter = 0;
/**
 * `rate` meaningful node changes (label writes) per second for `seconds`, paced by elapsed time;
 * also reports the most any write was issued after its scheduled time.
 */
async function drive(
  rate: number,
  seconds: number,
  visible = false,
): Promise<{ written: number; behindMs: number }> {
  let written = 0;
  let behindMs = 0;
  const start = Date.now();
  const end = start + seconds * 1000;
  while (Date.now() < end) {
    const now = Date.now() - start;
    const target = Math.floor((now / 1000) * rate);
    if (target > written) behindMs = Math.max(behindMs, now - ((written + 1) / rate) * 1000);
    while (written < target) {
      const name = names[counter % names.length] as string;
      counter++;
      // `visible`: every other write toggles the cordon, which a table row shows (a label it does not)
      const cordoned = (sim.store.getNode(name).spec as { unschedulable?: boolean }).unschedulable === true;
      if (visible && counter % 2 === 0) sim.store.cordonNode(name, !cordoned);
      else sim.store.setNodeLabels(name, { 'bench.example.com/tick': String(counter) });
      written++;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return { written, behindMs };
}

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const cmd = JSON.parse(line) as { cmd: string; rate?: number; seconds?: number; visible?: boolean };
  if (cmd.cmd === 'drive') {
    void drive(cmd.rate ?? 1000, cmd.seconds ?? 5, cmd.visible).then((r) =>
      process.stdout.write(`${JSON.stringify({ done: 'drive', ...r })}\n`),
    );
  } else if (cmd.cmd === 'exit') {
    rl.close();
  }
});
// exit on request or when the parent goes away (stdin closes)
rl.on('close', () => void sim.close().then(() => process.exit(0)));
