// Container HEALTHCHECK: GET /api/healthz on this container's own port (HTTPS when TLS files are set;
// the certificate is for the public name, so it is not checked on this loopback probe).
import http from 'node:http';
import https from 'node:https';

const tls = Boolean(process.env.TLS_CERT_FILE);
const url = `${tls ? 'https' : 'http'}://127.0.0.1:${process.env.PORT || 3000}/api/healthz`;
const req = (tls ? https : http).get(url, { timeout: 4000, rejectUnauthorized: false }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on('timeout', () => req.destroy(new Error('timeout')));
req.on('error', (err) => {
  console.error(`healthcheck: ${err.message}`);
  process.exit(1);
});
