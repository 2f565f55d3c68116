import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKubeConfig } from '@/lib/realtime/kube-transport';
import { credentialsRejected, inClusterKubeconfig, TokenFile, tokenFileFor } from './service-account';

function saDir(token: string, namespace?: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'knm-sa-'));
  writeFileSync(path.join(dir, 'token'), token + '\n');
  writeFileSync(path.join(dir, 'ca.crt'), 'not-a-real-ca');
  if (namespace) writeFileSync(path.join(dir, 'namespace'), namespace);
  return dir;
}

describe('TokenFile', () => {
  it('re-reads the file once the cached token is a minute old, not before', () => {
    const dir = saDir('one');
    let now = 0;
    const t = new TokenFile(path.join(dir, 'token'), { now: () => now });
    expect(t.token()).toBe('one');
    writeFileSync(path.join(dir, 'token'), 'two');
    now = 59_999;
    expect(t.token()).toBe('one');
    now = 60_000;
    expect(t.token()).toBe('two');
    expect(t.reads).toBe(2);
  });

  it('re-reads at once after a 401 invalidated it', () => {
    const dir = saDir('one');
    const t = new TokenFile(path.join(dir, 'token'), { now: () => 0 });
    expect(t.token()).toBe('one');
    writeFileSync(path.join(dir, 'token'), 'two');
    expect(t.token()).toBe('one');
    t.invalidate();
    expect(t.token()).toBe('two');
  });

  it('refuses an empty token file, naming it', () => {
    const dir = saDir('');
    expect(() => new TokenFile(path.join(dir, 'token')).token()).toThrow(/token file .*token is empty/);
  });
});

describe('in-cluster kubeconfig', () => {
  it('authenticates with the token file, trusts ca.crt and takes the namespace from the mount', async () => {
    const dir = saDir('sa-token-1', 'knm-system');
    const kc = loadKubeConfig(inClusterKubeconfig({ host: '10.96.0.1', port: 443, serviceAccountDir: dir }));
    expect(kc.getCurrentCluster()?.server).toBe('https://10.96.0.1:443');
    expect(kc.getContextObject(kc.getCurrentContext())?.namespace).toBe('knm-system');
    const opts: { headers?: Record<string, string>; ca?: Buffer } = {};
    await kc.applyToHTTPSOptions(opts);
    expect(opts.headers?.Authorization).toBe('Bearer sa-token-1');
    expect(opts.ca?.toString()).toBe('not-a-real-ca');

    // rotation: the new token is used once a 401 says the old one is no longer accepted
    writeFileSync(path.join(dir, 'token'), 'sa-token-2');
    credentialsRejected(kc);
    const again: { headers?: Record<string, string> } = {};
    await kc.applyToHTTPSOptions(again);
    expect(again.headers?.Authorization).toBe('Bearer sa-token-2');
    expect(tokenFileFor(path.join(dir, 'token')).reads).toBe(2);
  });

  it('brackets an IPv6 service host and fails early, naming the path, without a token', () => {
    const dir = saDir('x');
    expect(
      JSON.parse(inClusterKubeconfig({ host: 'fd00::1', port: 6443, serviceAccountDir: dir })).clusters[0]
        .cluster.server,
    ).toBe('https://[fd00::1]:6443');
    expect(() =>
      inClusterKubeconfig({ host: '10.0.0.1', port: 443, serviceAccountDir: path.join(dir, 'missing') }),
    ).toThrow(/missing\/token/);
  });
});
