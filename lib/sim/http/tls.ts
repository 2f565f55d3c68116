import { generateKeyPairSync } from 'node:crypto';
import selfsigned from 'selfsigned';

export interface TlsMaterial {
  key: string;
  cert: string;
  /** PEM of the CA that signed cert (self-signed CA that also serves as the server certificate) */
  ca: string;
}

/**
 * Generates a self-signed CA certificate usable directly as the serving certificate (SANs 127.0.0.1,
 * ::1, localhost and the bind host). The RSA key comes from node:crypto because node-forge's keygen is slow.
 */
export function generateTls(host: string): TlsMaterial {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const altNames: Array<{ type: number; value?: string; ip?: string }> = [
    { type: 2, value: 'localhost' },
    { type: 2, value: 'kubernetes.default.svc' },
    { type: 7, ip: '127.0.0.1' },
    { type: 7, ip: '::1' },
  ];
  if (/^[\d.]+$/.test(host) && host !== '127.0.0.1' && host !== '0.0.0.0')
    altNames.push({ type: 7, ip: host });
  else if (!/^[\d.:]+$/.test(host) && host !== 'localhost') altNames.push({ type: 2, value: host });
  const pems = selfsigned.generate(
    [
      { name: 'commonName', value: 'kube-sim-ca' },
      { name: 'organizationName', value: 'kube-node-manager simulator' },
    ],
    {
      days: 365,
      algorithm: 'sha256',
      keyPair: { privateKey, publicKey },
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        {
          name: 'keyUsage',
          keyCertSign: true,
          digitalSignature: true,
          keyEncipherment: true,
          critical: true,
        },
        { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
        { name: 'subjectAltName', altNames },
      ],
    } as Parameters<typeof selfsigned.generate>[1],
  );
  return { key: pems.private, cert: pems.cert, ca: pems.cert };
}
