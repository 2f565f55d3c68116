import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateTls } from './tls';

describe('generateTls', () => {
  it('makes a CA and a serving certificate it signs, for loopback and the bind host', () => {
    const tls = generateTls('10.1.2.3');
    const ca = new X509Certificate(tls.ca);
    const cert = new X509Certificate(tls.cert);
    expect(ca.ca).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkIP('10.1.2.3')).toBe('10.1.2.3');
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(tls.cert).not.toBe(tls.ca);
  });
});
