import { describe, expect, it } from 'vitest';
import { BUS_MAX_PAYLOAD_BYTES, BusPayloadError, decodeBusEnvelope, encodeBusEnvelope } from './bus';

const env = (msg: unknown) =>
  ({ v: 1 as const, from: 'replica-a', at: 1_000, msg }) as Parameters<typeof encodeBusEnvelope>[0];

describe('bus envelopes', () => {
  it('round-trips every message type', () => {
    const msgs = [
      { type: 'cluster.changed', name: 'prod', change: 'removed' },
      { type: 'principal.revoked', userId: 'u1', reason: 'user_disabled' },
      { type: 'principal.revoked', sessionId: 's1', reason: 'session_revoked' },
      { type: 'operation.cancel', id: 'op1' },
      {
        type: 'push.message',
        message: { type: 'test', cluster_name: 'prod', timestamp: 't', data: { message: 'hi' } },
      },
      {
        type: 'push.message',
        message: {
          type: 'operation_progress',
          cluster_name: 'prod',
          timestamp: 't',
          data: {
            operation_id: 'op1',
            kind: 'drain',
            state: 'interrupted',
            attempt: 2,
            total: 3,
            done: 1,
            failed: 0,
          },
        },
      },
    ];
    for (const msg of msgs) {
      const decoded = decodeBusEnvelope(encodeBusEnvelope(env(msg)));
      expect(decoded).toEqual({ ok: true, envelope: env(msg) });
    }
  });

  it('refuses what cannot be sent: invalid messages, and payloads past the NOTIFY limit', () => {
    expect(() => encodeBusEnvelope(env({ type: 'principal.revoked', reason: 'user_disabled' }))).toThrow(
      /name a userId, sessionId or tokenId/,
    );
    expect(() => encodeBusEnvelope(env({ type: 'cluster.changed', name: '', change: 'added' }))).toThrow(
      BusPayloadError,
    );
    const big = {
      type: 'push.message',
      message: {
        type: 'operation_progress',
        cluster_name: 'prod',
        timestamp: 't',
        data: {
          operation_id: 'op1',
          kind: 'drain',
          state: 'running',
          total: 1,
          done: 1,
          failed: 1,
          node_name: 'n',
          node_result: { ok: false, message: 'x'.repeat(BUS_MAX_PAYLOAD_BYTES) },
        },
      },
    };
    expect(() => encodeBusEnvelope(env(big))).toThrow(/\(limit 7900\); keep large bodies in tables/);
  });

  it('reports malformed payloads instead of throwing', () => {
    expect(decodeBusEnvelope('not json')).toEqual({ ok: false, error: 'not JSON' });
    expect(decodeBusEnvelope(JSON.stringify({ v: 2, from: 'a', at: 1, msg: {} }))).toMatchObject({
      ok: false,
    });
    expect(decodeBusEnvelope(JSON.stringify(env({ type: 'cluster.nuked', name: 'prod' })))).toMatchObject({
      ok: false,
    });
  });
});
