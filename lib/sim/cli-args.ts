export interface CliArgs {
  nodes: number;
  podsPerNode: number;
  port: number;
  host: string;
  kubeconfig: string;
  http: boolean;
  churn: boolean;
  seed: number;
  help: boolean;
}

const usage = `Usage: npm run sim -- [--nodes 200] [--pods-per-node 0] [--port 6443] [--host 127.0.0.1]
                      [--kubeconfig ./sim.kubeconfig] [--http] [--churn] [--seed 1]`;

export class CliError extends Error {}

export function cliUsage(): string {
  return usage;
}

/** Parses CLI flags; errors name the offending flag. */
export function parseCliArgs(argv: string[]): CliArgs {
  const args: CliArgs = {
    nodes: 200,
    podsPerNode: 0,
    port: 6443,
    host: '127.0.0.1',
    kubeconfig: './sim.kubeconfig',
    http: false,
    churn: false,
    seed: 1,
    help: false,
  };
  const num = (flag: string, v: string | undefined, min: number, max: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < min || n > max)
      throw new CliError(`${flag} must be an integer between ${min} and ${max} (got ${v ?? 'nothing'})`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    const [flag, inline] = raw.includes('=')
      ? [raw.slice(0, raw.indexOf('=')), raw.slice(raw.indexOf('=') + 1)]
      : [raw, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--nodes':
        args.nodes = num(flag, value(), 0, 100_000);
        break;
      case '--pods-per-node':
        args.podsPerNode = num(flag, value(), 0, 200);
        break;
      case '--port':
        args.port = num(flag, value(), 0, 65535);
        break;
      case '--seed':
        args.seed = num(flag, value(), 0, 2 ** 31);
        break;
      case '--host': {
        const v = value();
        if (!v) throw new CliError('--host needs a value');
        args.host = v;
        break;
      }
      case '--kubeconfig': {
        const v = value();
        if (!v) throw new CliError('--kubeconfig needs a path');
        args.kubeconfig = v;
        break;
      }
      case '--http':
        args.http = true;
        break;
      case '--churn':
        args.churn = true;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      default:
        throw new CliError(`unknown flag ${raw}\n${usage}`);
    }
  }
  return args;
}
