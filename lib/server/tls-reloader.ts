import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { readTlsFiles } from '@/lib/config/tls-files';

export interface TlsReloaderOptions {
  certFile: string;
  keyFile: string;
  /** the running server; setSecureContext swaps the material for new handshakes only */
  server: { setSecureContext(options: SecureContextOptions): void };
  /** material already in use, so the first check does not count as a change */
  initial: { cert: Buffer; key: Buffer };
  /** fallback poll, for file systems without change notifications; default 30 s */
  pollMs?: number;
  onReload(info: { fingerprint: string }): void;
  onError(err: Error): void;
}

const digest = (m: { cert: Buffer; key: Buffer }) =>
  createHash('sha256').update(m.cert).update('\0').update(m.key).digest('hex');

/**
 * Follows cert-manager-style rotation: when the certificate or key file changes (in place,
 * by rename, or by Kubernetes' atomic symlink swap of a Secret volume), the new pair is
 * validated and handed to `server.setSecureContext`. Open connections keep the context they
 * were accepted with, so nothing is dropped. A half-written or mismatched pair (the cert was
 * replaced before the key) is reported and retried on the next change or poll; the old
 * material stays in use meanwhile.
 */
export function startTlsReloader(opts: TlsReloaderOptions): { check(): Promise<void>; close(): void } {
  let current = digest(opts.initial);
  let running: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;

  const checkOnce = async () => {
    try {
      const material = await readTlsFiles(opts.certFile, opts.keyFile);
      const next = digest(material);
      if (next === current) return;
      createSecureContext(material); // throws on a mismatched or partial pair
      opts.server.setSecureContext(material);
      current = next;
      opts.onReload({ fingerprint: next.slice(0, 16) });
    } catch (err) {
      opts.onError(err instanceof Error ? err : new Error(String(err)));
    }
  };
  const check = async (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await checkOnce();
      } while (again);
    })().finally(() => (running = undefined));
    return running;
  };
  // Editors and kubelet write in steps; let a burst of events settle before reading.
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void check(), 100);
  };

  const watchers: FSWatcher[] = [];
  for (const dir of new Set([path.dirname(opts.certFile), path.dirname(opts.keyFile)])) {
    try {
      const w = watch(dir, { persistent: false }, soon);
      w.on('error', () => undefined); // directory gone: the poll still runs
      watchers.push(w);
    } catch {
      // no notifications here; polling covers it
    }
  }
  const poll = setInterval(() => void check(), opts.pollMs ?? 30_000);
  poll.unref();

  return {
    check,
    close() {
      clearInterval(poll);
      clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
