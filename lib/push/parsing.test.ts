import { describe, expect, it } from 'vitest';
import { RateWindow, parseClientFrame } from './client-messages';
import { parseResumeId } from './frames';
import { SseParser } from './sse-parser';
import { parseSubscriptionQuery } from './subscription-query';
import { bearerFromProtocols, originAllowed, selectProtocol } from './upgrade-auth';

describe('upgrade auth helpers', () => {
  it('never echoes a bearer protocol', () => {
    expect(selectProtocol(['bearer.secret', 'knm.v1'])).toBe('knm.v1');
    expect(selectProtocol(['bearer.secret', 'json'])).toBe('json');
    expect(selectProtocol(['bearer.secret'])).toBe(false);
    expect(bearerFromProtocols(['knm.v1', 'bearer.abc'])).toBe('abc');
    expect(bearerFromProtocols(['bearer.'])).toBeUndefined();
  });

  it('checks Origin against the allow-list; a missing one only when allowed', () => {
    expect(originAllowed('https://app.example', ['https://app.example'], false)).toBe(true);
    expect(originAllowed('https://evil.example', ['https://app.example'], true)).toBe(false);
    expect(originAllowed(undefined, ['https://app.example'], true)).toBe(true);
    expect(originAllowed(undefined, ['https://app.example'], false)).toBe(false);
  });
});

describe('parseClientFrame', () => {
  it('accepts valid messages', () => {
    expect(parseClientFrame('{"type":"subscribe","data":{"cluster":"a","since":3}}')).toEqual({
      ok: true,
      message: { type: 'subscribe', data: { cluster: 'a', since: 3 } },
    });
    expect(parseClientFrame(Buffer.from('{"type":"pong"}'))).toMatchObject({ ok: true });
  });

  it("accepts the original design's plain-string cluster in subscribe and unsubscribe", () => {
    expect(parseClientFrame('{"type":"subscribe","data":"prod-1"}')).toEqual({
      ok: true,
      message: { type: 'subscribe', data: { cluster: 'prod-1' } },
    });
    expect(parseClientFrame('{"type":"unsubscribe","data":"prod-1"}')).toEqual({
      ok: true,
      message: { type: 'unsubscribe', data: { cluster: 'prod-1' } },
    });
    expect(parseClientFrame('{"type":"subscribe","data":"Bad Name"}')).toMatchObject({
      ok: false,
      message: expect.stringContaining('data.cluster') as unknown,
    });
  });

  it.each([
    ['not json', 'bad_json', 'JSON'],
    ['{"type":"nope"}', 'bad_message', 'type'],
    ['{"type":"subscribe","data":{"cluster":""}}', 'bad_message', 'data.cluster'],
    ['{"type":"subscribe","data":{"cluster":"a","since":-1}}', 'bad_message', 'data.since'],
    ['null', 'bad_message', 'message'],
  ])('rejects %s naming the field', (raw, code, field) => {
    const r = parseClientFrame(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe(code);
      expect(r.message).toContain(field);
    }
  });

  it('rejects binary frames', () => {
    expect(parseClientFrame(Buffer.from([1, 2]), true)).toMatchObject({ ok: false, code: 'binary_frame' });
  });
});

describe('RateWindow', () => {
  it('trips at max events within the window and forgets old ones', () => {
    let t = 0;
    const w = new RateWindow(3, 1000, () => t);
    expect(w.hit()).toBe(false);
    expect(w.hit()).toBe(false);
    t = 1500; // both earlier hits expired
    expect(w.hit()).toBe(false);
    expect(w.hit()).toBe(false);
    expect(w.hit()).toBe(true);
  });
});

describe('resume ids and subscription query', () => {
  it('parses single and composite ids, ignoring junk', () => {
    expect([...parseResumeId('a:5')]).toEqual([['a', 5]]);
    expect([...parseResumeId('a:5,b:7')]).toEqual([
      ['a', 5],
      ['b', 7],
    ]);
    expect([...parseResumeId('x,:3,c:-1,d:1e3')]).toEqual([]);
    expect(parseResumeId(null).size).toBe(0);
  });

  it('reads clusters and since; Last-Event-ID wins', () => {
    const q = (s: string, id?: string) => parseSubscriptionQuery(new URLSearchParams(s), id);
    expect(q('cluster=a&cluster=b,c')).toEqual({
      ok: true,
      subscriptions: [{ cluster: 'a' }, { cluster: 'b' }, { cluster: 'c' }],
    });
    expect(q('cluster=a&since=4')).toEqual({ ok: true, subscriptions: [{ cluster: 'a', since: 4 }] });
    expect(q('cluster=a&cluster=b&since=a:4')).toEqual({
      ok: true,
      subscriptions: [{ cluster: 'a', since: 4 }, { cluster: 'b' }],
    });
    expect(q('cluster=a&since=4', 'a:9')).toEqual({ ok: true, subscriptions: [{ cluster: 'a', since: 9 }] });
    expect(q('cluster=a&since=-2')).toMatchObject({ ok: false, field: 'since' });
    expect(q(`cluster=${'x'.repeat(64)}`)).toMatchObject({ ok: false, field: 'cluster' });
  });
});

describe('SseParser', () => {
  it('parses events split across chunks with CRLF, comments, ids and retry', () => {
    const p = new SseParser();
    const out = [
      ...p.feed('retry: 3000\n\n: ping\n\nid: a:1\nevent: node_update\nda'),
      ...p.feed('ta: {"x":1}\r'),
      ...p.feed('\n\r\ndata: line1\ndata: line2\n\n'),
    ];
    expect(out).toEqual([
      { event: 'node_update', data: '{"x":1}', lastEventId: 'a:1' },
      { event: 'message', data: 'line1\nline2', lastEventId: 'a:1' },
    ]);
    expect(p.retry).toBe(3000);
    expect(p.comments).toBe(1);
  });
});
