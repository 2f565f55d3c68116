// Child process of bench/push-bench.ts: holds many WebSocket clients and measures delivery latency,
// so the clients' CPU is not charged to the server process being measured.
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import { openRawClient } from './push-raw-client';

type Command =
  | { cmd: 'open'; url: string; count: number; token: string; origin: string; raw?: boolean }
  | { cmd: 'closeSome'; count: number }
  | { cmd: 'reset' }
  | { cmd: 'report' }
  | { cmd: 'exit' };

const sockets: Array<{ close(): void; isOpen(): boolean }> = [];
let latencies: number[] = [];
let received = 0;
const closeCodes: Record<string, number> = {};
const marker = Buffer.from('"timestamp":"');

function now(): number {
  return performance.timeOrigin + performance.now();
}

function onMessage(data: Buffer, from = 0, to = data.length): void {
  const t = now();
  received++;
  if (data[from + 9] !== 0x6e /* n of {"type":"node_ */) return;
  const at = data.lastIndexOf(marker, to - 1);
  if (at < from) return;
  const start = at + marker.length;
  latencies.push(t - Date.parse(data.toString('latin1', start, start + 24)));
}

function countClose(code: number): void {
  closeCodes[code] = (closeCodes[code] ?? 0) + 1;
}

function openOne(url: string, token: string, origin: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      headers: { authorization: `Bearer ${token}` },
      origin,
      skipUTF8Validation: true,
    });
    ws.on('message', (data: Buffer) => onMessage(data));
    ws.once('open', () => {
      sockets.push({ close: () => ws.terminate(), isOpen: () => ws.readyState === WebSocket.OPEN });
      resolve();
    });
    ws.once('error', reject);
    ws.once('close', countClose);
  });
}

async function openRaw(url: string, token: string, origin: string): Promise<void> {
  let closed = false;
  const socket: Socket = await openRawClient(
    new URL(url),
    { Authorization: `Bearer ${token}`, Origin: origin },
    {
      onText: onMessage,
      onClose: (code) => {
        if (closed) return;
        closed = true;
        countClose(code);
      },
    },
  );
  sockets.push({ close: () => socket.destroy(), isOpen: () => !closed });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

process.on('message', (msg: Command) => {
  void (async () => {
    switch (msg.cmd) {
      case 'open': {
        for (let done = 0; done < msg.count;) {
          const batch = Math.min(100, msg.count - done);
          const open = msg.raw ? openRaw : openOne;
          await Promise.all(Array.from({ length: batch }, () => open(msg.url, msg.token, msg.origin)));
          done += batch;
        }
        process.send!({ ok: true, open: sockets.length });
        return;
      }
      case 'closeSome': {
        for (const s of sockets.splice(0, msg.count)) s.close();
        process.send!({ ok: true, open: sockets.length });
        return;
      }
      case 'reset':
        latencies = [];
        received = 0;
        process.send!({ ok: true });
        return;
      case 'report': {
        const sorted = Float64Array.from(latencies).sort();
        process.send!({
          ok: true,
          received,
          samples: sorted.length,
          p50: percentile(sorted, 0.5),
          p99: percentile(sorted, 0.99),
          max: sorted.length ? sorted[sorted.length - 1] : NaN,
          open: sockets.filter((s) => s.isOpen()).length,
          closeCodes,
        });
        return;
      }
      case 'exit':
        for (const s of sockets) s.close();
        process.exit(0);
    }
  })().catch((err: unknown) => {
    process.send!({ ok: false, error: String(err) });
  });
});
process.on('disconnect', () => process.exit(0));
