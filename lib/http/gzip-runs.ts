import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { crc32CombineShifted, crc32Shift } from './crc32-combine';

const deflateRaw = promisify(zlib.deflateRaw);
// A sync flush ends each run's deflate data on a byte boundary without a final block, so runs
// compressed apart concatenate into one valid deflate stream (pigz joins its blocks the same way).
// Level 6 is zlib's default and what Next's compression used for the same bodies.
const RUN_OPTIONS: zlib.ZlibOptions = { level: 6, finishFlush: zlib.constants.Z_SYNC_FLUSH };
/** gzip header: deflate, no flags, no mtime (so equal bodies give equal bytes), unknown OS */
const HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
/** an empty final block with fixed codes: BFINAL=1, BTYPE=01, end-of-block */
const FINAL_BLOCK = Buffer.from([0x03, 0x00]);
/** compressions on the pool at once: its 4 threads, twice over so none waits for the loop */
const IN_FLIGHT = 8;

interface Run {
  parts: readonly Buffer[];
  /** the parts of the run before this one, whose tail was the dictionary (none for the first run) */
  before: readonly Buffer[] | undefined;
  deflated: Buffer;
  crc: number;
  length: number;
  /** crc32Shift(length), kept so joining the runs' CRCs costs one multiplication each */
  shift: number;
}

export interface GzipRunsOptions {
  /** a run ends before a part whose content hash is 0 modulo this (average parts per run) */
  spacing?: number;
  /** a run also ends once it holds this many bytes, so hash-poor content still splits */
  maxRunBytes?: number;
  /** changed runs up to this many bytes in all are compressed on the event loop, more on the pool */
  syncMaxBytes?: number;
}

const sameParts = (a: readonly Buffer[], b: readonly Buffer[]) =>
  a.length === b.length && a.every((p, i) => p === b[i]);

/**
 * Gzips a body given as byte parts that are mostly reused between versions (a node list: one cached
 * Buffer per unchanged node), recompressing only the runs whose parts changed. Runs end where a part's
 * content says so (content-defined chunking), so inserting or removing a part disturbs only its own
 * run, not every run after it. Each run starts from the 32 KiB before it as its dictionary (see
 * compressRun), so cutting costs almost no ratio (runs average `spacing` parts). A part is unchanged
 * when it is the same Buffer object.
 *
 * `first` parts (a list's head, rebuilt for every version) always form their own run.
 */
export class GzipRuns {
  private runs = new Map<Buffer, Run>();
  private readonly starts = new WeakMap<Buffer, boolean>();
  private readonly spacing: number;
  private readonly maxRunBytes: number;
  private readonly syncMaxBytes: number;

  constructor(options: GzipRunsOptions = {}) {
    this.spacing = options.spacing ?? 32;
    this.maxRunBytes = options.maxRunBytes ?? 1024 * 1024;
    this.syncMaxBytes = options.syncMaxBytes ?? 512 * 1024;
  }

  /** the gzip of the parts' concatenation, and how many of its runs had to be compressed again */
  async gzip(
    parts: readonly Buffer[],
    first = 1,
  ): Promise<{ body: Buffer; recompressed: number; runs: number }> {
    const groups = this.split(parts, first);
    const stale: { g: number; before: readonly Buffer[] | undefined }[] = [];
    let staleBytes = 0;
    const runs: (Run | undefined)[] = groups.map((group, g) => {
      // Parts before `first` change with every version: the first run after them starts cold.
      const before = g > 0 && groups[g - 1]![0] !== parts[0] ? groups[g - 1] : undefined;
      const previous = this.runs.get(group[0]!);
      if (
        previous &&
        sameParts(previous.parts, group) &&
        (previous.before === undefined
          ? before === undefined
          : before !== undefined && sameParts(previous.before, before))
      )
        return previous;
      stale.push({ g, before });
      for (const p of group) staleBytes += p.length;
      return undefined;
    });
    // A few changed runs are compressed right here: a pool round trip would cost more than the
    // work (about 0.5 ms per run). Many (a first build, a big change) go to the pool, off the loop.
    const sync = staleBytes <= this.syncMaxBytes;
    let next = 0;
    // A few compressions in flight keep the pool's threads busy while only their inputs are joined
    // in memory: all at once, a first list of 65,000 nodes would copy its 145 MB in one go.
    const worker = async () => {
      for (let i = next++; i < stale.length; i = next++) {
        const { g, before } = stale[i]!;
        runs[g] = sync ? compressRunSync(groups[g]!, before) : await compressRun(groups[g]!, before);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const done = runs as Run[]; // every stale run was filled in above
    // Only the latest version's runs are kept: memory stays one compressed body.
    this.runs = new Map(done.map((r) => [r.parts[0]!, r]));
    let crc = 0;
    let length = 0;
    for (const r of done) {
      crc = crc32CombineShifted(crc, r.crc, r.shift);
      length += r.length;
    }
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(crc, 0);
    trailer.writeUInt32LE(length % 2 ** 32, 4);
    const body = Buffer.concat([HEADER, ...done.map((r) => r.deflated), FINAL_BLOCK, trailer]);
    return { body, recompressed: stale.length, runs: done.length };
  }

  private split(parts: readonly Buffer[], first: number): Buffer[][] {
    const groups: Buffer[][] = [];
    let current: Buffer[] = [];
    let bytes = 0;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if (
        current.length > 0 &&
        (i === first || (i > first && (bytes >= this.maxRunBytes || this.startsRun(part))))
      ) {
        groups.push(current);
        current = [];
        bytes = 0;
      }
      current.push(part);
      bytes += part.length;
    }
    if (current.length) groups.push(current);
    return groups;
  }

  /** FNV-1a over a part's first bytes, remembered per part: where a run ends depends on content, not position */
  private startsRun(part: Buffer): boolean {
    let starts = this.starts.get(part);
    if (starts === undefined) {
      let h = 0x811c9dc5;
      const end = Math.min(part.length, 96);
      for (let i = 0; i < end; i++) h = Math.imul(h ^ part[i]!, 0x01000193);
      starts = (h >>> 0) % this.spacing === 0;
      this.starts.set(part, starts);
    }
    return starts;
  }
}

/**
 * A decoder reaching this run holds the bytes before it in its 32 KiB window, so they can serve as
 * the run's dictionary (as pigz does): the run's first nodes then compress against their neighbours
 * instead of from nothing, which cost a quarter more bytes. The run now depends on the run before it,
 * so a change recompresses at most that run and the next.
 */
async function compressRun(parts: readonly Buffer[], before: readonly Buffer[] | undefined): Promise<Run> {
  const raw = Buffer.concat(parts);
  return run(parts, before, raw, await deflateRaw(raw, runOptions(before)));
}

function compressRunSync(parts: readonly Buffer[], before: readonly Buffer[] | undefined): Run {
  const raw = Buffer.concat(parts);
  return run(parts, before, raw, zlib.deflateRawSync(raw, runOptions(before)));
}

const run = (
  parts: readonly Buffer[],
  before: readonly Buffer[] | undefined,
  raw: Buffer,
  deflated: Buffer,
): Run => ({
  parts,
  before,
  deflated,
  crc: zlib.crc32(raw),
  length: raw.length,
  shift: crc32Shift(raw.length),
});

const runOptions = (before: readonly Buffer[] | undefined): zlib.ZlibOptions =>
  before ? { ...RUN_OPTIONS, dictionary: tail(before, WINDOW) } : RUN_OPTIONS;

const WINDOW = 32 * 1024;

/** the last `bytes` bytes of the parts' concatenation, joining only the parts it needs */
function tail(parts: readonly Buffer[], bytes: number): Buffer {
  let i = parts.length;
  let size = 0;
  while (i > 0 && size < bytes) size += parts[--i]!.length;
  const joined = Buffer.concat(parts.slice(i));
  return joined.subarray(Math.max(0, joined.length - bytes));
}
