import { BlockList } from 'node:net';
import { describe, expect, it } from 'vitest';
import { assertHostAllowed, validateServerUrl } from './server-url';

const F = 'clusters.c.server';

describe('validateServerUrl', () => {
  it.each([
    'https://k8s.example:6443',
    'https://10.0.0.1',
    'https://rancher.example/k8s/clusters/c-m-abc',
    'http://127.0.0.1:8080/',
  ])('accepts %s', (url) => expect(validateServerUrl(url, F).href).toBeTruthy());

  it.each([
    ['https://u:p@k8s.example', /must not contain credentials/],
    ['https://k8s.example@evil.example', /must not contain credentials/],
    ['https://k8s.example/api?watch=1', /query or fragment/],
    ['https://k8s.example/#x', /query or fragment/],
    ['https://k8s.example/a/../../b', /plain path prefix/],
    ['https://k8s.example/%2e%2e/b', /plain path prefix/],
    ['ftp://k8s.example', /http\(s\) URL/],
    ['not a url', /http\(s\) URL/],
  ])('refuses %s', (url, why) => {
    expect(() => validateServerUrl(url, F)).toThrow(why);
  });
});

describe('assertHostAllowed', () => {
  const list = new BlockList();
  list.addSubnet('169.254.0.0', 16, 'ipv4');
  const deny = { list, entries: ['169.254.0.0/16'] };
  const resolvesTo = (address: string) => () => Promise.resolve([{ address }]);

  it('refuses a denied address, literally or through DNS; allows loopback', async () => {
    await expect(assertHostAllowed(new URL('http://169.254.169.254'), deny)).rejects.toMatchObject({
      code: 'host_denied',
    });
    await expect(
      assertHostAllowed(new URL('https://metadata.example'), deny, resolvesTo('169.254.169.254')),
    ).rejects.toMatchObject({ code: 'host_denied' });
    await expect(assertHostAllowed(new URL('https://127.0.0.1:6443'), deny)).resolves.toBeUndefined();
  });

  it('an unknown name gets the uniform answer, and an empty denylist checks nothing', async () => {
    const fail = () => Promise.reject(Object.assign(new Error('x'), { code: 'ENOTFOUND' }));
    await expect(assertHostAllowed(new URL('https://nope.invalid'), deny, fail)).rejects.toMatchObject({
      code: 'not_kubernetes',
    });
    await expect(
      assertHostAllowed(new URL('http://169.254.169.254'), { list: new BlockList(), entries: [] }),
    ).resolves.toBeUndefined();
  });
});
