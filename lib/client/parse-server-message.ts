import { serverMessageSchema, type ServerMessage } from '@/lib/protocol/messages';

export type ParseResult = { ok: true; message: ServerMessage } | { ok: false; error: string };

/** Parses one pushed frame; the error names the first offending field so protocol drift is easy to spot. */
export function parseServerMessage(data: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { ok: false, error: 'message is not JSON' };
  }
  const r = serverMessageSchema.safeParse(json);
  if (r.success) return { ok: true, message: r.data };
  const issue = r.error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : 'type';
  return { ok: false, error: `invalid message: ${field}: ${issue?.message ?? 'invalid'}` };
}
