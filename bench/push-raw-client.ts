// Minimal WebSocket client for the push benchmark: handshake, then frame parsing over a raw socket.
// Real clients are spread over many machines; in one benchmark process a full ws client per socket
// would make the client side, not the server, the bottleneck. Unmasked server frames only.
import { randomBytes } from 'node:crypto';
import net from 'node:net';

export interface RawClientHooks {
  onText(payload: Buffer, start: number, end: number): void;
  onClose(code: number): void;
}

export function openRawClient(
  url: URL,
  headers: Record<string, string>,
  hooks: RawClientHooks,
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    let handshaken = false;
    let pending: Buffer | null = null;
    const extra = Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.once('connect', () => {
      socket.write(
        `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`,
      );
    });
    socket.once('error', reject);
    socket.on('close', () => hooks.onClose(1006));
    socket.on('data', (chunk: Buffer) => {
      let buf = pending ? Buffer.concat([pending, chunk]) : chunk;
      pending = null;
      if (!handshaken) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) {
          pending = buf;
          return;
        }
        if (!buf.subarray(0, 12).toString().startsWith('HTTP/1.1 101')) {
          reject(new Error(`upgrade refused: ${buf.subarray(0, end).toString().split('\r\n')[0]}`));
          socket.destroy();
          return;
        }
        handshaken = true;
        resolve(socket);
        buf = buf.subarray(end + 4);
      }
      let off = 0;
      while (buf.length - off >= 2) {
        const opcode = buf[off]! & 0x0f;
        let len = buf[off + 1]! & 0x7f;
        let hdr = 2;
        if (len === 126) {
          if (buf.length - off < 4) break;
          len = buf.readUInt16BE(off + 2);
          hdr = 4;
        } else if (len === 127) {
          if (buf.length - off < 10) break;
          len = buf.readUInt32BE(off + 2) * 2 ** 32 + buf.readUInt32BE(off + 6);
          hdr = 10;
        }
        if (buf.length - off < hdr + len) break;
        const start = off + hdr;
        const end = start + len;
        if (opcode === 1) hooks.onText(buf, start, end);
        else if (opcode === 9)
          socket.write(
            Buffer.concat([Buffer.from([0x8a, 0x80 | len, 0, 0, 0, 0]), buf.subarray(start, end)]),
          );
        else if (opcode === 8) hooks.onClose(len >= 2 ? buf.readUInt16BE(start) : 1005);
        off = end;
      }
      if (off < buf.length) pending = Buffer.from(buf.subarray(off));
    });
  });
}
