import { describe, expect, it } from 'vitest';
import { formatNodeQuery, nodeQuery, parseNodeQuery } from './node-query';

describe('the canonical node query string', () => {
  it('round-trips every field and leaves defaults out', () => {
    const q = nodeQuery({
      text: 'gpu eu',
      labelSelector: 'zone in (a,b),!gpu',
      taint: 'dedicated=x:NoSchedule',
      status: ['NotReady', 'Unknown'],
      role: 'worker',
      schedulable: false,
      sort: 'cpu',
      dir: 'desc',
    });
    const s = formatNodeQuery(q, { offset: 100, limit: 50 });
    expect(s).toBe(
      'text=gpu%20eu&labelSelector=zone%20in%20%28a%2Cb%29%2C%21gpu&taint=dedicated%3Dx%3ANoSchedule' +
        '&status=NotReady%2CUnknown&role=worker&schedulable=false&sort=-cpu&offset=100&limit=50',
    );
    expect(parseNodeQuery(s)).toEqual({ ok: true, query: q, window: { offset: 100, limit: 50 } });
    expect(parseNodeQuery(`?${s}`)).toEqual(parseNodeQuery(s));
    expect(formatNodeQuery(nodeQuery())).toBe('');
    expect(parseNodeQuery('')).toEqual({ ok: true, query: nodeQuery() });
  });

  it('reads the earlier taintKey/taintEffect spelling as the taint filter', () => {
    const r = parseNodeQuery('taintKey=gpu&taintEffect=NoExecute');
    expect(r.ok && r.query.taint).toBe('gpu:NoExecute');
    const effectOnly = parseNodeQuery('taintEffect=NoSchedule');
    expect(effectOnly.ok && effectOnly.query.taint).toBe(':NoSchedule');
  });

  it('names the bad field', () => {
    expect(parseNodeQuery('sort=colour')).toMatchObject({ ok: false, field: 'sort' });
    expect(parseNodeQuery('status=Sleepy')).toMatchObject({ ok: false, field: 'status' });
    expect(parseNodeQuery('limit=0')).toMatchObject({ ok: false, field: 'limit' });
    expect(parseNodeQuery('bogus=1')).toMatchObject({ ok: false, field: 'bogus' });
  });
});
