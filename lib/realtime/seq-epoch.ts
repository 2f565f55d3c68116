/**
 * Sequence numbers are per process: two replicas (or one replica before and after a restart)
 * number the same cluster's changes independently. A client resuming with a seq from another
 * process must therefore never find it inside this process's history, or it would be replayed
 * changes it never missed and miss the ones it did. Each process start takes a fresh epoch from the
 * database (a counter every replica shares) and numbers every cluster from epoch × 2^35: histories
 * of different processes never overlap, a foreign `since` is below this process's floor (`too_old`)
 * or above its head (`future_seq`), and the client is told to resync.
 *
 * 2^35 (34 billion) changes per cluster per process, and 2^18 − 1 process starts before the numbering
 * wraps; every seq stays a safe integer.
 */
export const SEQ_EPOCH_BITS = 35;
const EPOCHS = 2 ** (53 - SEQ_EPOCH_BITS);

export function seqBaseForEpoch(epoch: number): number {
  if (!Number.isInteger(epoch) || epoch < 0) throw new RangeError(`bad seq epoch ${epoch}`);
  // slots 1 … EPOCHS-1: the base is never 0, so a client's since=0 is too_old rather than replayed
  const slot = 1 + ((((epoch - 1) % (EPOCHS - 1)) + (EPOCHS - 1)) % (EPOCHS - 1));
  return slot * 2 ** SEQ_EPOCH_BITS;
}

/** The epoch a seq belongs to (logs and diagnostics). */
export function epochOfSeq(seq: number): number {
  return Math.floor(seq / 2 ** SEQ_EPOCH_BITS);
}
