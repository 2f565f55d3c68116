import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseTestClient, WsTestClient } from '@/lib/push/testing/clients';
import type { SimAuditEvent } from '@/lib/sim/audit';
import { bearerClient } from './helpers/session';
import { startIdentityApp, type IdentityApp } from './helpers/identity-cluster';

/**
 * Impersonate mode through the real app and a simulator with RBAC: the cluster sees each user, its
 * RBAC decides on top of the app's roles, its refusals are explained and audited, and cached reads
 * follow the cluster's "may list nodes".
 */
let t: IdentityApp;
let node: string;
const nodes = '/api/v1/clusters/prod/nodes';

beforeAll(async () => {
  t = await startIdentityApp('impersonate');
  node = t.sim.store.nodeNames().sort()[0]!;
}, 120_000);
afterAll(() => t?.close());

const simAudit = (user: string, verb: string): SimAuditEvent[] =>
  t.sim.audit.list({ user, verb }).filter((e) => e.objectRef?.resource === 'nodes');

describe('impersonate mode', () => {
  it('labeler edits labels as itself: the cluster sees user labeler impersonated by the app', async () => {
    const r = await t.as.labeler!('POST', `${nodes}/${node}/labels`, { set: { team: 'blue' } });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(t.sim.store.getNode(node).metadata.labels?.team).toBe('blue');
    const [patch] = simAudit('labeler', 'patch');
    expect(patch).toMatchObject({
      user: { username: 'system:serviceaccount:knm:app' },
      impersonatedUser: { username: 'labeler', groups: ['knm:operators', 'system:authenticated'] },
      responseStatus: { code: 200 },
    });
    // the app's own identity never wrote: its ClusterRole has no patch
    expect(
      t.sim.audit.list({ verb: 'patch' }).filter((e) => !e.impersonatedUser && e.responseStatus.code === 200),
    ).toEqual([]);
  });

  it("labeler's permissions name what the cluster refuses, and a forced drain is a 403 naming it", async () => {
    const p = await t.as.labeler!('GET', '/api/v1/clusters/prod/permissions');
    expect(p.status).toBe(200);
    expect(p.json).toMatchObject({
      cluster: 'prod',
      mode: 'impersonate',
      identity: 'user labeler',
      actions: {
        'patch-nodes': { allowed: true },
        'list-nodes': { allowed: true },
        'list-pods': { allowed: true },
        'evict-pods': { allowed: false, reason: 'the cluster denies user labeler: create pods/eviction' },
      },
    });
    const drain = await t.as.labeler!('POST', `${nodes}/${node}/drain`, {});
    expect(drain.status).toBe(403);
    expect(drain.json.error).toMatchObject({
      code: 'cluster_denied',
      message: 'the cluster denies user labeler: create pods/eviction',
    });
    expect(
      (t.sim.store.getNode(node).spec as { unschedulable?: boolean } | undefined)?.unschedulable,
    ).toBeFalsy();
    const audit = await t.admin('GET', '/api/v1/audit?action=node.drain');
    expect(audit.json.items[0]).toMatchObject({
      username: 'labeler',
      result: 'denied',
      error: 'the cluster denies user labeler: create pods/eviction',
    });
  });

  it('reader sees the cluster read-only: its writes are refused with the cluster’s reason', async () => {
    const list = await t.as.reader!('GET', nodes);
    expect(list.status).toBe(200);
    expect(list.json.total).toBe(3);
    const r = await t.as.reader!('POST', `${nodes}/${node}/cordon`, {});
    expect(r.status).toBe(403);
    expect(r.json.error).toMatchObject({
      code: 'cluster_denied',
      message: `node ${node}: the cluster denies user reader: patch nodes`,
    });
    expect(
      (t.sim.store.getNode(node).spec as { unschedulable?: boolean } | undefined)?.unschedulable,
    ).toBeFalsy();
    // refused by the cluster itself: the request reached it as reader, and it said 403
    expect(simAudit('reader', 'patch')[0]?.responseStatus.code).toBe(403);
    const audit = await t.admin('GET', '/api/v1/audit?action=node.cordon&result=denied');
    expect(audit.json.items[0]).toMatchObject({ username: 'reader', target: node });
  });

  it('nobody sees no nodes: REST, WebSocket and SSE are refused with the cluster’s reason', async () => {
    const reason = 'the cluster denies user nobody: list nodes';
    const list = await t.as.nobody!('GET', nodes);
    expect(list.status).toBe(403);
    expect(list.json.error).toEqual({ code: 'cluster_denied', message: reason });
    expect((await t.as.nobody!('GET', `/api/v1/nodes?cluster_name=prod`)).status).toBe(403);
    expect((await t.as.nobody!('GET', `${nodes}/${node}`)).status).toBe(403);

    const wsUrl = `${t.app.url.replace(/^http/, 'ws')}/api/v1/ws/nodes?cluster=prod`;
    const nobodyWs = { headers: { cookie: t.cookies.nobody! }, origin: t.app.origin };
    expect(await WsTestClient.refusedStatus(wsUrl, nobodyWs)).toBe(403);
    const sse = await SseTestClient.open(`${t.app.url}/api/v1/sse/nodes?cluster=prod`, {
      headers: { cookie: t.cookies.nobody! },
    }).then(
      () => 0,
      (err: { status?: number }) => err.status ?? -1,
    );
    expect(sse).toBe(403);
    // a subscription asked for after connecting is refused the same way
    const plain = await WsTestClient.open(wsUrl.replace('?cluster=prod', ''), nobodyWs);
    plain.send({ type: 'subscribe', data: { cluster: 'prod' } });
    const err = await plain.waitFor((m) => m.type === 'error');
    expect(err.data).toEqual({ code: 'forbidden', message: reason });
    // and so is a live window over the same connection: it reads the cached nodes too
    plain.send({ type: 'window', data: { id: 'w', cluster: 'prod', query: '', offset: 0, limit: 10 } });
    const windowErr = await plain.waitFor((m) => m.type === 'error' && m !== err);
    expect(windowErr.data).toEqual({ code: 'forbidden', message: reason });
    await new Promise((r) => setTimeout(r, 200));
    expect(plain.messages.some((m) => m.type === 'window_snapshot')).toBe(false);
    plain.close();
    // while reader (list nodes allowed) streams the cluster
    const readerWs = await WsTestClient.open(wsUrl, {
      headers: { cookie: t.cookies.reader! },
      origin: t.app.origin,
    });
    await readerWs.waitFor((m) => m.type === 'subscribed');
    readerWs.close();
  });

  it('an API token in oidc-token mode is refused: only a single sign-on session carries an ID token', async () => {
    const token = (await t.as.labeler!('POST', '/api/v1/tokens', { name: 'oidc-mode', scope: 'write' })).json
      .token as string;
    expect((await t.admin('PATCH', '/api/v1/clusters/prod', { identityMode: 'oidc-token' })).status).toBe(
      200,
    );
    try {
      const r = await bearerClient(t.app, token)('POST', `${nodes}/${node}/labels`, { set: { team: 'red' } });
      expect(r.status).toBe(403);
      expect(r.json.error.code).toBe('cluster_identity_unavailable');
      expect(t.sim.store.getNode(node).metadata.labels?.team).toBe('blue');
    } finally {
      expect((await t.admin('PATCH', '/api/v1/clusters/prod', { identityMode: 'impersonate' })).status).toBe(
        200,
      );
    }
  });

  it('in shared mode the app’s roles decide alone, with the kubeconfig’s identity', async () => {
    expect((await t.admin('PATCH', '/api/v1/clusters/prod', { identityMode: 'shared' })).status).toBe(200);
    try {
      const list = await t.as.nobody!('GET', nodes);
      expect(list.status).toBe(200);
      const p = await t.as.labeler!('GET', '/api/v1/clusters/prod/permissions');
      expect(p.json).toMatchObject({ mode: 'shared', actions: { 'patch-nodes': { allowed: false } } });
      // the kubeconfig's identity may not patch: the cluster names it, not the user
      const r = await t.as.labeler!('POST', `${nodes}/${node}/labels`, { set: { team: 'green' } });
      expect(r.status).toBe(403);
      expect(r.json.error.message).toBe(
        `node ${node}: the cluster denies user system:serviceaccount:knm:app: patch nodes`,
      );
    } finally {
      expect((await t.admin('PATCH', '/api/v1/clusters/prod', { identityMode: 'impersonate' })).status).toBe(
        200,
      );
    }
  });
});
