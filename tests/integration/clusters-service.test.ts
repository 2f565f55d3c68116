import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import selfsigned from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterService, type ClusterChange } from '@/lib/clusters/cluster-service';
import { ClusterConnectionError, KubeconfigError } from '@/lib/clusters/errors';
import { ENGINES, openTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { startSimulator, type Simulator } from '@/lib/sim';

const key = Buffer.alloc(32, 3);

function capturedLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { logger: pino({ level: 'trace' }, stream), lines };
}

async function listen(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** client-node only talks plain http:// with insecure-skip-tls-verify set. */
const plainKubeconfig = (server: string, token = 'tok') => `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "${server}", insecure-skip-tls-verify: true } }]
users: [{ name: u, user: { token: ${token} } }]
contexts: [{ name: plain, context: { cluster: c, user: u } }]
current-context: plain
`;

async function expectCode(
  p: Promise<unknown>,
  type: typeof KubeconfigError | typeof ClusterConnectionError,
  code: string,
): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(type);
  expect((err as { code: string }).code).toBe(code);
  return (err as Error).message;
}

describe('ClusterService connection tests against the simulator', () => {
  let sim: Simulator;
  let t: TestDatabase;
  let svc: ClusterService;
  let forbiddenServer: { url: string; close: () => Promise<void> };
  const log = capturedLogger();
  const outputs: unknown[] = [];
  const secrets = () => [sim.adminToken, sim.readOnlyToken];

  beforeAll(async () => {
    sim = await startSimulator({ nodes: 3, churn: false });
    t = await openTestDatabase('sqlite');
    svc = new ClusterService(t.db, { key, logger: log.logger, testTimeoutMs: 1500 });
    forbiddenServer = await listen((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url?.startsWith('/version')) {
        res.end(JSON.stringify({ major: '1', minor: '30', gitVersion: 'v1.30.0' }));
        return;
      }
      res.statusCode = 403;
      res.end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'Forbidden',
          code: 403,
          message: 'nodes is forbidden',
        }),
      );
    });
  });
  afterAll(async () => {
    await forbiddenServer?.close();
    await t?.cleanup();
    await sim?.close();
  });

  it('adds a working cluster; outputs never carry the kubeconfig', async () => {
    const added = await svc.add({ name: 'sim', kubeconfig: sim.kubeconfig() }, { userId: 'u1' });
    outputs.push(added, await svc.list(), await svc.get('sim'));
    expect(added.cluster).toMatchObject({
      name: 'sim',
      kind: 'kubeconfig',
      context: 'sim',
      server: sim.url,
      createdBy: 'u1',
    });
    expect(added.test.version).toMatch(/^v1\./);
    expect(added.test.nodesListed).toBe(1);
    const row = await t.db.kysely
      .selectFrom('clusters')
      .selectAll()
      .where('name', '=', 'sim')
      .executeTakeFirstOrThrow();
    expect(row.kubeconfig_enc).toMatch(/^v1:/);
    expect(row.kubeconfig_enc).not.toContain(sim.adminToken);
    const rt = await svc.loadForRuntime();
    expect(rt).toHaveLength(1);
    expect(rt[0]!.kubeconfig).toContain(sim.adminToken);
    expect(rt[0]).toMatchObject({ name: 'sim', kind: 'kubeconfig', context: 'sim' });
  });

  it('bad YAML', async () => {
    const msg = await expectCode(
      svc.test({ kubeconfig: `users:\n  token: ${sim.adminToken}\n bad: [` }),
      KubeconfigError,
      'invalid_yaml',
    );
    outputs.push(msg);
  });

  it('unknown context', async () => {
    const msg = await expectCode(
      svc.test({ kubeconfig: sim.kubeconfig(), context: 'nope' }),
      KubeconfigError,
      'unknown_context',
    );
    expect(msg).toBe("context 'nope' is not in the kubeconfig; available: sim");
  });

  it('plain http without insecure-skip-tls-verify is refused up front', async () => {
    const kc = plainKubeconfig(forbiddenServer.url).replace(', insecure-skip-tls-verify: true', '');
    expect(await expectCode(svc.test({ kubeconfig: kc }), KubeconfigError, 'invalid_kubeconfig')).toMatch(
      /plain http:\/\//,
    );
  });

  // Until a server proves to be Kubernetes, every failure gets one answer (no port scanning); the
  // precise cause goes to the log for the operator.
  it('bad CA: none given for a self-signed server, or a different CA', async () => {
    const noCa = sim.kubeconfig().replace(/\n\s*certificate-authority-data: .*/, '');
    const m1 = await expectCode(svc.test({ kubeconfig: noCa }), ClusterConnectionError, 'not_kubernetes');
    expect(m1).toMatch(/certificate-authority-data matches the server's certificate/);
    expect(log.lines.join('\n')).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED/);
    const other = selfsigned.generate([{ name: 'commonName', value: 'other-ca' }], {
      days: 1,
      keySize: 2048,
    });
    const wrongCa = sim
      .kubeconfig()
      .replace(
        /certificate-authority-data: .*/,
        `certificate-authority-data: ${Buffer.from(other.cert).toString('base64')}`,
      );
    await expectCode(svc.test({ kubeconfig: wrongCa }), ClusterConnectionError, 'not_kubernetes');
  });

  it('bad token (401)', async () => {
    const bad = sim.kubeconfig().replace(sim.adminToken, 'not-the-token');
    const msg = await expectCode(svc.test({ kubeconfig: bad }), ClusterConnectionError, 'unauthorized');
    expect(msg).toMatch(/HTTP 401/);
  });

  it('forbidden (403) on listing nodes', async () => {
    const msg = await expectCode(
      svc.test({ kubeconfig: plainKubeconfig(forbiddenServer.url) }),
      ClusterConnectionError,
      'forbidden',
    );
    expect(msg).toMatch(/may not list nodes \(HTTP 403\)/);
  });

  it('unreachable host (ECONNREFUSED) and unknown host (ENOTFOUND)', async () => {
    const closed = await listen(() => undefined);
    await closed.close();
    const refused = plainKubeconfig(closed.url);
    expect(
      await expectCode(svc.test({ kubeconfig: refused }), ClusterConnectionError, 'not_kubernetes'),
    ).not.toMatch(/ECONNREFUSED/);
    expect(log.lines.join('\n')).toMatch(/ECONNREFUSED/);
    const dns = sim.kubeconfig().replace(sim.url, 'https://no-such-host.invalid:6443');
    expect(await expectCode(svc.test({ kubeconfig: dns }), ClusterConnectionError, 'not_kubernetes')).toMatch(
      /no-such-host\.invalid/,
    );
  });

  it('timeout', async () => {
    sim.faults.setLatency(4000);
    try {
      const msg = await expectCode(
        svc.test({ kubeconfig: sim.kubeconfig() }),
        ClusterConnectionError,
        'not_kubernetes',
      );
      expect(msg).toMatch(/No Kubernetes API server answered/);
    } finally {
      sim.faults.clear();
    }
  });

  it('a failed add saves nothing; rotation is re-tested and only then replaces credentials', async () => {
    const events: ClusterChange[] = [];
    const off = svc.onChange((c) => void events.push(c));
    await expectCode(
      svc.add({ name: 'broken', kubeconfig: sim.kubeconfig().replace(sim.adminToken, 'x') }),
      ClusterConnectionError,
      'unauthorized',
    );
    expect(await svc.get('broken')).toBeNull();
    await expectCode(
      svc.update('sim', { kubeconfig: sim.kubeconfig().replace(sim.adminToken, 'x') }),
      ClusterConnectionError,
      'unauthorized',
    );
    expect((await svc.loadForRuntime())[0]!.kubeconfig).toContain(sim.adminToken);
    const rotated = await svc.update('sim', { kubeconfig: sim.kubeconfig({ readOnly: true }) });
    outputs.push(rotated);
    expect(rotated.cluster.context).toBe('sim-readonly');
    const rt = await svc.runtimeFor('sim');
    expect(rt?.kubeconfig).toContain(sim.readOnlyToken);
    expect(rt?.kubeconfig).not.toContain(sim.adminToken);
    await svc.update('sim', { displayName: 'Simulator' });
    expect((await svc.get('sim'))?.displayName).toBe('Simulator');
    await expect(svc.add({ name: 'sim', kubeconfig: sim.kubeconfig() })).rejects.toMatchObject({
      httpStatus: 409,
    });
    await expect(svc.add({ name: 'Bad_Name', kubeconfig: sim.kubeconfig() })).rejects.toThrow(/^name: /);
    outputs.push(await svc.remove('sim'));
    expect(await svc.list()).toEqual([]);
    expect(events.map((e) => `${e.type}:${e.name}`)).toEqual(['updated:sim', 'removed:sim']);
    off();
  });

  it('no secret material in any output or log line', () => {
    const text = JSON.stringify(outputs) + log.lines.join('\n');
    expect(log.lines.length).toBeGreaterThan(0);
    for (const s of secrets()) expect(text).not.toContain(s);
    expect(text).not.toContain('certificate-authority-data');
  });
});

describe.each(ENGINES)('automatic clusters on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(engine);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('demo cluster is seeded once on first start, not after deletion, never when disabled', async () => {
    const svc = new ClusterService(t.db, { key });
    const events: ClusterChange[] = [];
    svc.onChange((c) => void events.push(c));
    expect(await svc.ensureDemoCluster(false)).toBe(false);
    expect(await svc.ensureDemoCluster(true)).toBe(true);
    expect(await svc.ensureDemoCluster(true)).toBe(false);
    expect(await svc.list()).toMatchObject([{ name: 'demo', kind: 'demo', server: null }]);
    expect(await svc.loadForRuntime()).toEqual([{ name: 'demo', kind: 'demo', identityMode: 'shared' }]);
    await svc.remove('demo');
    expect(await svc.ensureDemoCluster(true)).toBe(false);
    expect(events.map((e) => `${e.type}:${e.name}:${e.kind}`)).toEqual([
      'added:demo:demo',
      'removed:demo:demo',
    ]);
    await expect(svc.update('demo', { kubeconfig: 'x' })).rejects.toMatchObject({ httpStatus: 404 });
  });

  it('in-cluster is registered when KUBERNETES_SERVICE_HOST is set', async () => {
    const svc = new ClusterService(t.db, { key });
    expect(await svc.ensureInClusterCluster({})).toBe(false);
    expect(await svc.ensureInClusterCluster({ KUBERNETES_SERVICE_HOST: '10.0.0.1' })).toBe(true);
    expect(await svc.ensureInClusterCluster({ KUBERNETES_SERVICE_HOST: '10.0.0.1' })).toBe(false);
    expect(await svc.loadForRuntime()).toEqual([
      { name: 'in-cluster', kind: 'in-cluster', identityMode: 'shared' },
    ]);
    await expect(svc.update('in-cluster', { kubeconfig: 'x' })).rejects.toThrow(/has no stored kubeconfig/);
  });

  it('a row encrypted under another key is skipped, not crashed on', async () => {
    const now = Date.now();
    const { encryptSecret } = await import('@/lib/crypto/secret-box');
    await t.db.kysely
      .insertInto('clusters')
      .values({
        name: 'old',
        display_name: 'old',
        kind: 'kubeconfig',
        context: 'c',
        server: 'https://x',
        kubeconfig_enc: encryptSecret('k', Buffer.alloc(32, 9), 'old'),
        created_by: null,
        created_at: now,
        updated_at: now,
        identity_mode: 'shared',
      })
      .execute();
    const log = capturedLogger();
    const svc = new ClusterService(t.db, { key, logger: log.logger });
    expect((await svc.loadForRuntime()).map((c) => c.name)).toEqual(['in-cluster']);
    expect(log.lines.join('')).toMatch(/cannot be decrypted/);
  });
});
