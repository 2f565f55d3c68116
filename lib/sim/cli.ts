import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CliError, cliUsage, parseCliArgs } from './cli-args';
import { startSimulator } from './simulator';

async function main(): Promise<void> {
  let args;
  try {
    args = parseCliArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof CliError) {
      console.error(`sim: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  if (args.help) {
    console.log(cliUsage());
    return;
  }
  const sim = await startSimulator({
    nodes: args.nodes,
    podsPerNode: args.podsPerNode,
    port: args.port,
    host: args.host,
    https: !args.http,
    seed: args.seed,
    churn: args.churn ? {} : false,
  });
  const file = path.resolve(args.kubeconfig);
  writeFileSync(file, sim.kubeconfig(), { mode: 0o600 });
  const roFile = file.replace(/(\.kubeconfig)?$/, '.readonly.kubeconfig');
  writeFileSync(roFile, sim.kubeconfig({ readOnly: true }), { mode: 0o600 });
  console.log(`sim: ${args.nodes} nodes serving at ${sim.url}${args.churn ? ' (churn on)' : ''}`);
  console.log(`sim: kubeconfig written to ${file} (read-only: ${roFile})`);
  console.log(`sim: try  kubectl --kubeconfig ${file} get nodes -o wide`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`sim: ${signal} received, shutting down`);
    sim.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('sim: close failed', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error('sim: failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
