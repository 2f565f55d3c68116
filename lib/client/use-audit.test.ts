import { describe, expect, it } from 'vitest';
import { auditQueryString, emptyAuditFilters } from './use-audit';

describe('auditQueryString', () => {
  it('sends only non-empty, trimmed filters plus limit and cursor', () => {
    expect(auditQueryString(emptyAuditFilters)).toBe('limit=50');
    expect(auditQueryString({ ...emptyAuditFilters, user: ' alice ', result: 'failure' }, 120, 20)).toBe(
      'user=alice&result=failure&limit=20&before=120',
    );
  });
});
