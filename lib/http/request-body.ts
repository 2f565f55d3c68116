import { ApiError, payloadTooLarge } from './errors';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Reads at most `limit` bytes; stops reading (413) as soon as the limit is passed. */
export async function readBodyText(req: Request, limit: number): Promise<string> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw payloadTooLarge(limit);
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw payloadTooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Empty body → undefined (the schema decides whether that is allowed). */
export async function readJsonBody(req: Request, limit: number): Promise<unknown> {
  const contentType = req.headers.get('content-type');
  const text = await readBodyText(req, limit);
  if (text.trim() === '') return undefined;
  // Lenient on text/plain (fetch's default for string bodies); form encodings are never JSON.
  if (contentType && /^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(contentType)) {
    throw new ApiError(
      415,
      'unsupported_media_type',
      `expected a JSON body, got Content-Type ${contentType.slice(0, 100)}`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ApiError(400, 'invalid_json', `request body is not valid JSON: ${(err as Error).message}`);
  }
}
