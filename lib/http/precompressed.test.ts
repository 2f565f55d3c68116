import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptsGzip, bridgePrecompressed, gzipBody, PRECOMPRESSED_HEADER } from './precompressed';

const req = (accept?: string) =>
  new Request('http://x/', { headers: accept === undefined ? {} : { 'accept-encoding': accept } });

describe('acceptsGzip', () => {
  it('follows Accept-Encoding negotiation, q-values included', () => {
    expect(acceptsGzip(req('gzip, deflate, br, zstd'))).toBe(true);
    expect(acceptsGzip(req('br;q=1, gzip;q=0.5'))).toBe(true);
    expect(acceptsGzip(req('*'))).toBe(true);
    expect(acceptsGzip(req('gzip;q=0, identity'))).toBe(false);
    expect(acceptsGzip(req('identity'))).toBe(false);
    expect(acceptsGzip(req())).toBe(false);
  });
});

describe('bridgePrecompressed', () => {
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    server = http.createServer((rq, res) => {
      bridgePrecompressed(res);
      res.setHeader('Content-Type', 'application/json');
      res.setHeader(PRECOMPRESSED_HEADER, rq.url === '/gzip' ? 'gzip' : 'br');
      res.end(rq.url === '/gzip' ? gzipSync('{"a":1}') : '{"a":1}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const get = (path: string) =>
    new Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) =>
      http
        .get(`${url}${path}`, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
        })
        .on('error', reject),
    );

  it('turns the marker into Content-Encoding and never sends the marker', async () => {
    const r = await get('/gzip');
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(r.headers[PRECOMPRESSED_HEADER]).toBeUndefined();
    expect(gunzipSync(r.body).toString()).toBe('{"a":1}');
  });

  it('drops any other encoding rather than claim one nobody applied', async () => {
    const r = await get('/other');
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(r.headers[PRECOMPRESSED_HEADER]).toBeUndefined();
    expect(r.body.toString()).toBe('{"a":1}');
  });
});

describe('gzipBody', () => {
  it('compresses small bodies in one call and large ones as they stream, to the same bytes', async () => {
    const pieces = [Buffer.from('{"items":['), Buffer.from('1,'.repeat(10)), Buffer.from('2]}')];
    const length = pieces.reduce((n, p) => n + p.length, 0);
    const small = (await gzipBody(pieces, length, () => new ReadableStream())) as Uint8Array;
    expect(gunzipSync(small).toString()).toBe(Buffer.concat(pieces).toString());
    const big = Buffer.alloc(5 * 1024 * 1024, 'x');
    const stream = (await gzipBody(
      [big],
      big.length,
      () => new Response(big).body!,
    )) as ReadableStream<Uint8Array>;
    const zipped = Buffer.from(await new Response(stream).arrayBuffer());
    expect(gunzipSync(zipped).equals(big)).toBe(true);
  });
});
