import { randomInt } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { GzipRuns } from './gzip-runs';

const part = (i: number, version = 0) =>
  Buffer.from(`{"name":"node-${i}","v":${version},"pad":"${'x'.repeat(i % 300)}"},`);

describe('GzipRuns', () => {
  it('gzips the concatenation of its parts, byte for byte', async () => {
    const parts = [
      Buffer.from('{"items":['),
      ...Array.from({ length: 2000 }, (_, i) => part(i)),
      Buffer.from(']}'),
    ];
    const { body } = await new GzipRuns().gzip(parts);
    expect(gunzipSync(body).equals(Buffer.concat(parts))).toBe(true);
    expect(body.length).toBeLessThan(Buffer.concat(parts).length / 5);
  });

  it.each([
    ['on the event loop', Infinity],
    ['on the pool', 0],
  ])(
    'recompresses only the runs whose parts changed, through edits, inserts and removals (%s)',
    async (_, syncMaxBytes) => {
      const gz = new GzipRuns({ spacing: 16, syncMaxBytes });
      let nodes = Array.from({ length: 3000 }, (_, i) => part(i));
      const head = () => Buffer.from(`{"seq":${randomInt(1000)},"items":[`);
      const first = await gz.gzip([head(), ...nodes]);
      expect(first.recompressed).toBeGreaterThan(100);
      for (let step = 0; step < 40; step++) {
        nodes = [...nodes];
        const at = randomInt(nodes.length);
        const kind = step % 3;
        if (kind === 0) nodes[at] = part(at, step + 1);
        else if (kind === 1) nodes.splice(at, 0, part(10_000 + step));
        else nodes.splice(at, 1);
        const parts = [head(), ...nodes];
        const { body, recompressed } = await gz.gzip(parts);
        expect(gunzipSync(body).equals(Buffer.concat(parts))).toBe(true);
        // the head's run, the edited run, a neighbour when a boundary moved, and the run after (its dictionary changed)
        expect(recompressed).toBeLessThanOrEqual(4);
      }
    },
  );

  it('splits content without boundaries by size, and handles an empty body', async () => {
    const same = Array.from({ length: 500 }, () => Buffer.from('y'.repeat(1000)));
    const gz = new GzipRuns({ spacing: 1 << 30, maxRunBytes: 50_000 });
    const { body, recompressed } = await gz.gzip([Buffer.from('['), ...same]);
    expect(recompressed).toBeGreaterThanOrEqual(10);
    expect(gunzipSync(body).equals(Buffer.concat([Buffer.from('['), ...same]))).toBe(true);
    expect(gunzipSync((await gz.gzip([])).body).length).toBe(0);
  });
});
