/**
 * The highest rate at which `sustained(rate)` holds: the rate doubles from `start` while it holds (up to
 * `limit`), then two bisection steps between the last rate that held and the first that did not. The
 * result is 0 when even the lowest rate tried failed; `failedAt` is the lowest failing rate tried (0 if
 * none failed). Each probe is one short paced run, so the answer is good to about a quarter of a doubling.
 */
export async function maxSustainedRate(
  start: number,
  limit: number,
  sustained: (rate: number) => Promise<boolean>,
): Promise<{ rate: number; failedAt: number; note: string }> {
  let good = 0;
  let bad = 0;
  for (let rate = start; rate <= limit; rate *= 2) {
    if (await sustained(rate)) good = rate;
    else {
      bad = rate;
      break;
    }
  }
  for (let i = 0; i < 2 && bad > 0; i++) {
    const mid = Math.round((good + bad) / 2);
    if (await sustained(mid)) good = mid;
    else bad = mid;
  }
  const note =
    `doubling from ${start.toLocaleString('en-US')}/s, then bisected twice` +
    (bad === 0 ? `; never failed up to ${limit.toLocaleString('en-US')}/s` : `; failed at ${bad}/s`);
  return { rate: good, failedAt: bad, note };
}

/** How far behind schedule a paced generator may fall and still count as keeping pace. */
export const PACE_SLACK_MS = 100;
