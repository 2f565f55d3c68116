import { describe, expect, it } from 'vitest';
import { clientAddress, clientIp, parseTrustedProxies } from './request-meta';

describe('clientAddress (TRUSTED_PROXIES)', () => {
  const none = parseTrustedProxies(undefined);
  const oneHop = parseTrustedProxies('1');
  const cidrs = parseTrustedProxies('10.0.0.0/8, 192.168.1.5');

  it('trusts nobody by default: the socket address, whatever X-Forwarded-For says', () => {
    expect(clientAddress('198.51.100.1', '1.2.3.4', none)).toBe('198.51.100.1');
    expect(clientAddress('::ffff:198.51.100.1', null, none)).toBe('198.51.100.1');
    expect(clientAddress(undefined, '1.2.3.4', none)).toBe('unknown');
  });

  it('with a hop count, takes the entry that many hops from the socket; client-written entries are ignored', () => {
    expect(clientAddress('10.0.0.2', '203.0.113.9', oneHop)).toBe('203.0.113.9');
    // a client rotating a forged first entry: the proxy appended the real one
    expect(clientAddress('10.0.0.2', '6.6.6.6, 203.0.113.9', oneHop)).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.2', '6.6.6.6, 203.0.113.9, 10.0.0.3', parseTrustedProxies('2'))).toBe(
      '203.0.113.9',
    );
    expect(clientAddress('10.0.0.2', 'garbage', oneHop)).toBe('10.0.0.2');
  });

  it('with CIDRs, walks from the right past trusted proxies only', () => {
    expect(clientAddress('10.0.0.2', '6.6.6.6, 203.0.113.9, 10.1.1.1', cidrs)).toBe('203.0.113.9');
    // the socket itself is not a trusted proxy: its header is ignored
    expect(clientAddress('198.51.100.1', '203.0.113.9', cidrs)).toBe('198.51.100.1');
    expect(clientAddress('192.168.1.5', '10.9.9.9', cidrs)).toBe('10.9.9.9');
  });

  it('reads the peer that server.ts stamped', () => {
    const h = (o: Record<string, string>) => ({ get: (n: string) => o[n] ?? null });
    expect(clientIp(h({ 'x-knm-peer': '198.51.100.1', 'x-forwarded-for': '1.2.3.4' }))).toBe('198.51.100.1');
    expect(clientIp(h({ 'x-knm-peer': '10.0.0.1', 'x-forwarded-for': '1.2.3.4' }), oneHop)).toBe('1.2.3.4');
  });

  it('rejects malformed settings, naming the entry', () => {
    expect(() => parseTrustedProxies('10.0.0.0/33')).toThrow(/10\.0\.0\.0\/33/);
    expect(() => parseTrustedProxies('proxy.local')).toThrow(/proxy\.local/);
    expect(parseTrustedProxies('none')).toEqual({ kind: 'none' });
  });
});
