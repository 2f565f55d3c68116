// Preloaded into the app by bench/node-api-bench.ts (NODE_OPTIONS=--import=…): times each HTTP request
// inside the server, from the moment its headers were parsed to the moment the last byte of its response
// was handed to the socket ('finish'): authentication, the handler, body assembly and gzip included.
// Lines "<method> <url> <ms>" are appended to $KNM_REQUEST_TIMING_FILE every 50 ms (never on the request's
// own path). Bench-only: the app never loads this file itself.
import { subscribe } from 'node:diagnostics_channel';
import { appendFileSync } from 'node:fs';

const file = process.env.KNM_REQUEST_TIMING_FILE;
if (file) {
  const started = new WeakMap();
  let pending = [];
  // the URL as it arrived: the framework may rewrite request.url while handling the request
  subscribe('http.server.request.start', ({ request, response }) =>
    started.set(response, { t: performance.now(), line: `${request.method} ${request.url}` }),
  );
  subscribe('http.server.response.finish', ({ response }) => {
    const s = started.get(response);
    if (s) pending.push(`${s.line} ${(performance.now() - s.t).toFixed(3)}\n`);
  });
  setInterval(() => {
    if (!pending.length) return;
    appendFileSync(file, pending.join(''));
    pending = [];
  }, 50).unref();
}
