import pino, { type Logger } from 'pino';
import { currentRequestId } from '@/lib/http/request-scope';

/** Paths that may carry credentials; pino replaces their values before anything is written. */
export const redactPaths = [
  'password',
  '*.password',
  'token',
  '*.token',
  'kubeconfig',
  '*.kubeconfig',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'secret',
  '*.secret',
  'clientSecret',
  '*.clientSecret',
];

export function createLogger(
  opts: { level: string; pretty: boolean },
  destination?: pino.DestinationStream,
): Logger {
  const base: pino.LoggerOptions = {
    level: opts.level,
    base: { service: 'kube-node-manager' },
    redact: { paths: redactPaths, censor: '[redacted]' },
    // every line written while serving a request (operations it starts included) carries its id
    mixin: () => {
      const reqId = currentRequestId();
      return reqId ? { reqId } : {};
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (destination) return pino(base, destination);
  if (opts.pretty) {
    return pino({
      ...base,
      transport: { target: 'pino-pretty', options: { colorize: true, singleLine: true } },
    });
  }
  return pino(base);
}
