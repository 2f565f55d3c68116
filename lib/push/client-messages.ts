import { clientMessageSchema, type ClientMessage } from '@/lib/protocol/messages';

export type ParsedClientFrame =
  | { ok: true; message: ClientMessage }
  | { ok: false; code: 'binary_frame' | 'bad_json' | 'bad_message'; message: string };

/**
 * Parses one client frame into a ClientMessage, or a client-facing error naming the offending field.
 * Never throws, whatever arrives.
 */
export function parseClientFrame(
  raw: string | Buffer | ArrayBuffer | Buffer[],
  isBinary = false,
): ParsedClientFrame {
  if (isBinary)
    return { ok: false, code: 'binary_frame', message: 'binary frames are not supported; send JSON text' };
  let text: string;
  if (typeof raw === 'string') text = raw;
  else if (Array.isArray(raw)) text = Buffer.concat(raw).toString('utf8');
  else if (raw instanceof ArrayBuffer) text = Buffer.from(raw).toString('utf8');
  else text = raw.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, code: 'bad_json', message: 'message is not valid JSON' };
  }
  const result = clientMessageSchema.safeParse(value);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.join('.') : 'message';
  return { ok: false, code: 'bad_message', message: `${path}: ${issue?.message ?? 'invalid message'}` };
}

/** Counts events in a sliding window; hit() tells when the limit is reached (e.g. 10 bad frames in 10 s). */
export class RateWindow {
  private readonly times: number[] = [];

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** records one event; true once `max` events fall within the window */
  hit(): boolean {
    const t = this.now();
    while (this.times.length > 0 && this.times[0]! <= t - this.windowMs) this.times.shift();
    this.times.push(t);
    if (this.times.length > this.max) this.times.shift();
    return this.times.length >= this.max;
  }
}
