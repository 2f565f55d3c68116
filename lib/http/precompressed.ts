import type { ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import Negotiator from 'negotiator';

const gzip = promisify(zlib.gzip);

/**
 * A route handler whose body is already gzip says so in this header. Next drops a Content-Encoding
 * that a route handler sets (send-response.ts: fetch may have decoded such a body) and would gzip the
 * body again; server.ts's bridge below turns this header into Content-Encoding on the Node response
 * before Next's compression looks, and that compression then leaves the bytes alone ("already encoded").
 */
export const PRECOMPRESSED_HEADER = 'x-knm-content-encoding';

/** Whether the request accepts gzip, by the same negotiation Next's compression applies. */
export function acceptsGzip(req: Request): boolean {
  const negotiator = new Negotiator({
    headers: { 'accept-encoding': req.headers.get('accept-encoding') ?? '' },
  });
  return negotiator.encoding(['gzip', 'identity']) === 'gzip';
}

/** Headers for a body that is already gzip (Content-Length is Next's to set, or chunked). */
export function gzipHeaders(): Record<string, string> {
  return { [PRECOMPRESSED_HEADER]: 'gzip' };
}

/** Above this, a body is compressed as it streams rather than joined and compressed in one call. */
const ONE_CALL_MAX_BYTES = 4 * 1024 * 1024;

/**
 * A body as gzip, for a route that compresses its own responses (once it sends one already-gzip body,
 * all its bodies go the same way). Small bodies are joined and compressed in one zlib call on the pool;
 * large ones stream through a CompressionStream so they are never held whole twice.
 */
export async function gzipBody(
  pieces: readonly Buffer[],
  length: number,
  stream: () => ReadableStream<Uint8Array>,
) {
  if (length > ONE_CALL_MAX_BYTES)
    return stream().pipeThrough(
      new CompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>,
    );
  return bytesBody(await gzip(Buffer.concat(pieces, length)));
}

/** A Buffer as a fetch body, without a copy. */
export const bytesBody = (b: Buffer) => new Uint8Array(b.buffer as ArrayBuffer, b.byteOffset, b.length);

/**
 * Wraps one response's setHeader so the marker becomes Content-Encoding. Next writes a route
 * handler's headers through setHeader (base-http/node.ts), one at a time, before the first byte.
 * Only gzip is honoured: any other value is dropped rather than sent as an encoding nobody applied.
 */
export function bridgePrecompressed(res: ServerResponse): void {
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name: string, value: number | string | readonly string[]) => {
    if (name.toLowerCase() !== PRECOMPRESSED_HEADER) return setHeader(name, value);
    if (value === 'gzip') setHeader('Content-Encoding', 'gzip');
    return res;
  };
}
