import { BlockList, isIP } from 'node:net';

type HeaderGetter = { get(name: string): string | null };

/**
 * Which peers may tell us the client's address in X-Forwarded-For (TRUSTED_PROXIES): nobody
 * (the default: the socket address is the client), the N proxies nearest to us, or peers in
 * the listed CIDRs.
 */
export type TrustedProxies =
  { kind: 'none' } | { kind: 'hops'; hops: number } | { kind: 'cidrs'; list: BlockList; entries: string[] };

export const NO_TRUSTED_PROXIES: TrustedProxies = { kind: 'none' };

/** Set by server.ts on every request from the socket itself; a client-sent value is overwritten. */
export const PEER_HEADER = 'x-knm-peer';

/** `::ffff:10.0.0.1` → `10.0.0.1`, so one IPv4 rule matches both socket forms. */
export function normalizeAddress(addr: string): string {
  const a = addr.trim();
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(a) ? a.slice(7) : a;
}

/** Adds an address or CIDR to a BlockList; throws with the entry named when it is neither. */
export function addCidr(list: BlockList, entry: string): void {
  const [addr = '', bits, extra] = entry.trim().split('/');
  const family = isIP(addr);
  if (family === 0 || extra !== undefined) throw new Error(`'${entry}' is not an IP address or CIDR`);
  const type = family === 6 ? 'ipv6' : 'ipv4';
  if (bits === undefined) return list.addAddress(addr, type);
  const prefix = Number(bits);
  if (!/^\d+$/.test(bits) || prefix > (family === 6 ? 128 : 32))
    throw new Error(`'${entry}' has an invalid prefix length`);
  list.addSubnet(addr, prefix, type);
}

export function inList(list: BlockList, addr: string): boolean {
  const a = normalizeAddress(addr);
  const family = isIP(a);
  return family !== 0 && list.check(a, family === 6 ? 'ipv6' : 'ipv4');
}

/** TRUSTED_PROXIES: empty/unset (none), a hop count such as `1`, or comma-separated CIDRs/addresses. */
export function parseTrustedProxies(value: string | undefined): TrustedProxies {
  const v = value?.trim() ?? '';
  if (v === '' || v === '0' || v.toLowerCase() === 'none') return NO_TRUSTED_PROXIES;
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    if (hops > 20) throw new Error('a hop count must be at most 20');
    return { kind: 'hops', hops };
  }
  const list = new BlockList();
  const entries = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const e of entries) addCidr(list, e);
  return { kind: 'cidrs', list, entries };
}

/**
 * The client's address. The socket address is the client unless it is a trusted proxy; then
 * X-Forwarded-For is read from the right (nearest hop first), skipping trusted proxies, and
 * the first untrusted address is the client. Entries a client wrote itself sit left of that
 * and are never used. The one place this trust decision is made (login limits, audit, logs).
 */
export function clientAddress(
  peer: string | null | undefined,
  forwardedFor: string | null | undefined,
  trusted: TrustedProxies,
): string {
  const socket = peer ? normalizeAddress(peer).slice(0, 100) : 'unknown';
  if (trusted.kind === 'none' || !forwardedFor) return socket;
  const hops = forwardedFor
    .split(',')
    .map((s) => normalizeAddress(s))
    .filter((s) => isIP(s) !== 0);
  if (trusted.kind === 'hops') {
    // the socket is hop 1; each trusted hop vouches for the entry to its left
    const chain = [socket, ...hops.reverse()];
    return chain[Math.min(trusted.hops, chain.length - 1)] ?? socket;
  }
  if (!inList(trusted.list, socket)) return socket;
  let client = socket;
  for (let i = hops.length - 1; i >= 0; i--) {
    client = hops[i]!;
    if (!inList(trusted.list, client)) return client.slice(0, 100);
  }
  return client.slice(0, 100);
}

/** Whether the TCP peer is a trusted proxy, so what it forwards (X-Forwarded-For, X-Request-Id) counts. */
export function fromTrustedProxy(peer: string | null | undefined, trusted: TrustedProxies): boolean {
  if (trusted.kind === 'none' || !peer) return false;
  if (trusted.kind === 'hops') return trusted.hops > 0;
  return inList(trusted.list, normalizeAddress(peer));
}

/** The caller's address for a request that went through server.ts (which stamps PEER_HEADER). */
export function clientIp(headers: HeaderGetter, trusted: TrustedProxies = NO_TRUSTED_PROXIES): string {
  return clientAddress(headers.get(PEER_HEADER), headers.get('x-forwarded-for'), trusted);
}

/** server.ts calls this first on every request and upgrade: the only source of PEER_HEADER. */
export function stampPeer(req: {
  headers: Record<string, string | string[] | undefined>;
  socket: { remoteAddress?: string };
}): void {
  req.headers[PEER_HEADER] = req.socket.remoteAddress ?? 'unknown';
}

export function userAgent(headers: HeaderGetter): string | null {
  return headers.get('user-agent')?.slice(0, 500) ?? null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isMutation(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/**
 * CSRF check for cookie sessions: the browser always sends Origin on cross-site and same-site
 * POST/PUT/PATCH/DELETE, so a missing or foreign Origin (falling back to Referer) is refused.
 */
export function originAllowed(headers: HeaderGetter, allowed: readonly string[]): boolean {
  let origin = headers.get('origin');
  if (!origin || origin === 'null') {
    const referer = headers.get('referer');
    if (!referer) return false;
    try {
      origin = new URL(referer).origin;
    } catch {
      return false;
    }
  }
  return allowed.includes(origin.replace(/\/$/, ''));
}
