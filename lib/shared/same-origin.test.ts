import { describe, expect, it } from 'vitest';
import { safeCallbackPath, sameOriginUrl } from './same-origin';

const O = 'https://knm.example';

describe('safeCallbackPath', () => {
  it.each([
    ['/clusters/demo?x=1#n', '/clusters/demo?x=1#n'],
    [`${O}/settings`, '/settings'],
    ['/\t/evil.host/x', '/'],
    ['/\n/evil.host/x', '/'],
    ['//evil.host/x', '/'],
    ['/\\evil.host', '/'],
    ['\\\\evil.host', '/'],
    ['https://evil.host/', '/'],
    ['javascript:alert(1)', '/'],
    [`https://user:pw@knm.example/`, '/'],
    ['', '/'],
    [null, '/'],
  ])('%j → %j', (raw, want) => {
    expect(safeCallbackPath(raw, O)).toBe(want);
  });

  it('sameOriginUrl returns the absolute URL or null', () => {
    expect(sameOriginUrl('/a', O)).toBe(`${O}/a`);
    expect(sameOriginUrl('/%09/evil.host/x', O)).toBe(`${O}/%09/evil.host/x`);
    expect(sameOriginUrl(decodeURIComponent('/%09/evil.host/x'), O)).toBeNull();
  });
});
