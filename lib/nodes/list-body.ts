import { bytesBody } from '@/lib/http/precompressed';
import type { NodeListResponse } from '@/lib/protocol/api';
import type { NodeSummary } from '@/lib/protocol/node-summary';

/**
 * Cache entries are immutable snapshots, replaced on every change, so each one's JSON bytes
 * are built once and reused by every list until the node changes again.
 */
const bytesOf = new WeakMap<NodeSummary, Buffer>();
/** the same bytes without the comma, kept so a list's last node is the same Buffer every time (GzipRuns reuse) */
const lastBytesOf = new WeakMap<NodeSummary, Buffer>();

/** The node's JSON followed by a comma; the last item of a list drops the comma (a view, no copy). */
function nodeBytesWithComma(node: NodeSummary): Buffer {
  let bytes = bytesOf.get(node);
  if (bytes === undefined) {
    bytes = Buffer.from(`${JSON.stringify(node)},`);
    bytesOf.set(node, bytes);
  }
  return bytes;
}

export function nodeBytes(node: NodeSummary): Buffer {
  let bytes = lastBytesOf.get(node);
  if (bytes === undefined) {
    const withComma = nodeBytesWithComma(node);
    bytes = withComma.subarray(0, withComma.length - 1);
    lastBytesOf.set(node, bytes);
  }
  return bytes;
}

/** A list's JSON as byte pieces (mostly the nodes' cached bytes), never copied into one big string. */
export interface ListBody {
  pieces: Buffer[];
  length: number;
  /** the pieces joined into stream chunks, kept after the first complete stream for the next ones */
  chunks?: Uint8Array[];
}

const CLOSE = Buffer.from(']}');

/** The same JSON as JSON.stringify(list), assembled from per-node bytes. */
export function listBody(list: NodeListResponse): ListBody {
  const { items, ...head } = list;
  const pieces: Buffer[] = new Array<Buffer>(items.length + 2);
  pieces[0] = Buffer.from(`${JSON.stringify(head).slice(0, -1)},"items":[`);
  let length = pieces[0].length + CLOSE.length;
  for (let i = 0; i < items.length; i++) {
    const bytes =
      i === items.length - 1
        ? nodeBytes(items[i] as NodeSummary)
        : nodeBytesWithComma(items[i] as NodeSummary);
    pieces[i + 1] = bytes;
    length += bytes.length;
  }
  pieces[items.length + 1] = CLOSE;
  return { pieces, length };
}

/**
 * Streams the pieces in chunks of about `chunkBytes`, joining each byte once, as the socket asks
 * for it. A body streamed to the end keeps its chunks, so a cached list is never joined twice.
 */
export function bodyStream(body: ListBody, chunkBytes = 512 * 1024): ReadableStream<Uint8Array> {
  const cached = body.chunks;
  if (cached) {
    let i = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = cached[i++];
        if (chunk) controller.enqueue(chunk);
        if (i >= cached.length) controller.close();
      },
    });
  }
  const made: Uint8Array[] = [];
  let next = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const batch: Buffer[] = [];
      let size = 0;
      while (next < body.pieces.length && size < chunkBytes) {
        const piece = body.pieces[next++] as Buffer;
        batch.push(piece);
        size += piece.length;
      }
      if (batch.length) {
        const chunk = bytesBody(Buffer.concat(batch, size));
        made.push(chunk);
        controller.enqueue(chunk);
      }
      if (next >= body.pieces.length) {
        body.chunks ??= made;
        controller.close();
      }
    },
  });
}
