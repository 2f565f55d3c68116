import { mkdtemp, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseEnv } from './index';

describe('parseEnv', () => {
  it('applies defaults', () => {
    const e = parseEnv({});
    expect(e.PORT).toBe(3000);
    expect(e.DEMO_CLUSTER).toBe(true);
    expect(e.DATA_DIR).toBe('./data');
  });

  it('names the bad variable and why', () => {
    expect(() => parseEnv({ PORT: 'abc' })).toThrow(/PORT: must be a number/);
    expect(() => parseEnv({ DATABASE_URL: 'mysql://x' })).toThrow(
      /DATABASE_URL: must be a postgres:\/\/ URL/,
    );
    expect(() => parseEnv({ ENCRYPTION_KEY: 'c2hvcnQ=' })).toThrow(/ENCRYPTION_KEY: must be 32 bytes/);
    expect(() => parseEnv({ DEMO_CLUSTER: 'maybe' })).toThrow(ConfigError);
  });

  it('validates the push history and session re-check settings', () => {
    expect(() => parseEnv({ WS_RESUME_HISTORY: '0' })).toThrow(/WS_RESUME_HISTORY: must be at least 1/);
    expect(() => parseEnv({ SESSION_RECHECK_SECONDS: '1.5' })).toThrow(
      /SESSION_RECHECK_SECONDS: must be an integer/,
    );
    expect(parseEnv({})).toMatchObject({ WS_RESUME_HISTORY: 10_000, SESSION_RECHECK_SECONDS: 20 });
  });

  it('validates the identity settings: role groups and OIDC scopes', () => {
    expect(parseEnv({ IMPERSONATE_ROLE_GROUPS: 'operator=knm:operators, viewer=knm:viewers' })).toMatchObject(
      {
        IMPERSONATE_ROLE_GROUPS: { operator: 'knm:operators', viewer: 'knm:viewers' },
        OIDC_SCOPES: 'openid profile email',
      },
    );
    expect(() => parseEnv({ IMPERSONATE_ROLE_GROUPS: 'boss=x' })).toThrow(
      /IMPERSONATE_ROLE_GROUPS: "boss=x": expected role=group/,
    );
    expect(() => parseEnv({ IMPERSONATE_ROLE_GROUPS: 'admin=a,admin=b' })).toThrow(
      /IMPERSONATE_ROLE_GROUPS: role admin is given twice/,
    );
    expect(() => parseEnv({ OIDC_SCOPES: 'profile groups' })).toThrow(/OIDC_SCOPES: must include openid/);
  });

  it('validates the metrics settings', () => {
    const e = parseEnv({ METRICS_TOKEN: 'a'.repeat(16), METRICS_PORT: '9464', HEALTH_SAMPLE_SECONDS: '2' });
    expect(e).toMatchObject({ METRICS_ENABLED: true, METRICS_PORT: 9464, HEALTH_SAMPLE_SECONDS: 2 });
    expect(() => parseEnv({ METRICS_TOKEN: 'short' })).toThrow(
      /METRICS_TOKEN: must be at least 16 characters/,
    );
    expect(() => parseEnv({ METRICS_TOKEN: 'has spaces in the token' })).toThrow(
      /METRICS_TOKEN: must not contain/,
    );
    expect(() => parseEnv({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT: must be at most 65535/);
    expect(() => parseEnv({ PORT: '3000', METRICS_PORT: '3000' })).toThrow(
      /METRICS_PORT: must differ from PORT/,
    );
    expect(() => parseEnv({ HEALTH_SAMPLE_SECONDS: '0' })).toThrow(
      /HEALTH_SAMPLE_SECONDS: must be at least 1/,
    );
    expect(() => parseEnv({ METRICS_ENABLED: 'sometimes' })).toThrow(
      /METRICS_ENABLED: must be true or false/,
    );
  });

  it('validates the replica settings (lease, grace, reconcile, demo host)', () => {
    const e = parseEnv({});
    expect([e.OPERATION_LEASE_SECONDS, e.OPERATION_GRACE_SECONDS, e.CLUSTER_RECONCILE_SECONDS]).toEqual([
      15, 10, 10,
    ]);
    expect(() => parseEnv({ OPERATION_LEASE_SECONDS: '0' })).toThrow(
      /OPERATION_LEASE_SECONDS: must be at least 1/,
    );
    expect(() => parseEnv({ OPERATION_GRACE_SECONDS: '1.5' })).toThrow(
      /OPERATION_GRACE_SECONDS: must be an integer/,
    );
    expect(() => parseEnv({ CLUSTER_RECONCILE_SECONDS: 'often' })).toThrow(/CLUSTER_RECONCILE_SECONDS/);
    expect(() => parseEnv({ DEMO_HOST: 'a b' })).toThrow(/DEMO_HOST: must be a host name or IP address/);
    expect(() => parseEnv({ DEMO_PORT: '70000' })).toThrow(/DEMO_PORT: must be at most 65535/);
  });

  it('requires OIDC settings together', () => {
    expect(() => parseEnv({ OIDC_ISSUER: 'https://idp.example.com' })).toThrow(/set all three/);
  });
});

describe('loadConfig', () => {
  it('generates secrets once, mode 0600, and reuses them', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'knm-config-'));
    const a = await loadConfig({ DATA_DIR: dir });
    const b = await loadConfig({ DATA_DIR: dir });
    expect(a.nextAuthSecret).toHaveLength(64);
    expect(a.nextAuthSecret).toBe(b.nextAuthSecret);
    expect(a.encryptionKey.equals(b.encryptionKey)).toBe(true);
    expect((await stat(path.join(dir, 'encryption.key'))).mode & 0o777).toBe(0o600);
    expect((await readFile(path.join(dir, 'nextauth-secret'), 'utf8')).trim().length).toBeGreaterThan(0);
    expect(a.publicOrigins).toContain('http://localhost:3000');
    const c = await loadConfig({ DATA_DIR: dir, WS_RESUME_HISTORY: '20', SESSION_RECHECK_SECONDS: '2' });
    expect(c.ws).toMatchObject({ resumeHistory: 20 });
    expect(c.sessionRecheckSeconds).toBe(2);
  });

  it('uses given secrets without touching the data dir', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'knm-config-'));
    const key = Buffer.alloc(32, 7).toString('base64');
    const c = await loadConfig({ DATA_DIR: dir, ENCRYPTION_KEY: key, NEXTAUTH_SECRET: 'x'.repeat(40) });
    expect(c.encryptionKey.toString('base64')).toBe(key);
    await expect(stat(path.join(dir, 'encryption.key'))).rejects.toThrow();
  });
});
