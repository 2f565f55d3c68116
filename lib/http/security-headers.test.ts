import { describe, expect, it } from 'vitest';
import { securityHeaders } from './security-headers';

describe('securityHeaders', () => {
  it('forbids framing and sniffing, limits referrers and connections', () => {
    const h = securityHeaders({ dev: false, publicOrigins: ['https://knm.example'], https: true });
    expect(h['Content-Security-Policy']).toContain("frame-ancestors 'none'");
    expect(h['Content-Security-Policy']).toContain("connect-src 'self' wss://knm.example");
    expect(h['Content-Security-Policy']).not.toContain('unsafe-eval');
    expect(h['X-Content-Type-Options']).toBe('nosniff');
    expect(h['Referrer-Policy']).toBe('same-origin');
    expect(h['Strict-Transport-Security']).toBeDefined();
    expect(securityHeaders({ dev: false, publicOrigins: [], https: false })).not.toHaveProperty(
      'Strict-Transport-Security',
    );
  });
});
