import { test, type Page } from '@playwright/test';
import { expect } from './fixtures';
import { OwnServer } from './own-server';

/**
 * The badge must never say Live while nothing is delivering changes. These tests run their own server (not
 * the shared webServer) so they can stop it and start it again on the same port and data dir: the browser
 * keeps its page and session, as a user's would through a server restart.
 */

let srv: OwnServer;
test.beforeEach(async () => {
  srv = await OwnServer.create();
});
test.afterEach(() => srv.dispose());

/** Records every change of the badge's state and transport in the page, with the page's clock. */
async function recordBadge(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { badgeLog: Array<{ t: number; state: string; transport: string }> };
    w.badgeLog = [];
    const read = () => {
      const el = document.querySelector('[data-testid="connection-state"]');
      const state = el?.getAttribute('data-state') ?? 'absent';
      const transport = el?.getAttribute('data-transport') ?? '';
      const prev = w.badgeLog.at(-1);
      if (!prev || prev.state !== state || prev.transport !== transport)
        w.badgeLog.push({ t: Date.now(), state, transport });
    };
    read();
    new MutationObserver(read).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-state', 'data-transport'],
    });
  });
  return () =>
    page.evaluate(
      () =>
        (window as unknown as { badgeLog: Array<{ t: number; state: string; transport: string }> }).badgeLog,
    );
}

const badge = (page: Page) => page.getByTestId('connection-state');

// A stopping server answers requests on connections the page already holds with 503 + Connection: close
// (lib/server/drain-gate.ts): without that, probes and list refetches reached the dying process, and the badge
// could show Live, or the table an emptied cluster, before the new process started.
test('server stopped: the badge leaves Live within 2 s and stays off until the server is back, then is Live over WebSocket within 12 s', async ({
  page,
}) => {
  test.setTimeout(150_000);
  await srv.signIn(page);
  await expect(badge(page)).toHaveAttribute('data-state', 'live', { timeout: 30_000 });
  await expect(badge(page)).toHaveAttribute('data-transport', 'websocket');
  await expect(badge(page)).toContainText('WebSocket');
  await expect(page.getByTestId('connection-last-update')).toBeVisible();
  const log = await recordBadge(page);

  const stoppedAt = Date.now();
  await srv.stop();
  await expect(badge(page)).not.toHaveAttribute('data-state', 'live', { timeout: 2_000 });
  const leftLive = (await log()).find((e) => e.state !== 'live')!;
  expect(leftLive.t - stoppedAt).toBeLessThan(2_000);
  await expect(page.getByTestId('connection-announcement')).toContainText('reconnecting');

  // a real outage, long enough for the reconnect loop to reach its cap and try SSE if it were going to
  await page.waitForTimeout(15_000);
  const restartAt = Date.now();
  await srv.start();
  const backAt = Date.now();
  // down: from the stop until the new process was started (it may be Live again while startApp still
  // polls its health endpoint, which is right: the server is back then)
  const during = (await log()).filter((e) => e.t >= stoppedAt && e.t < restartAt);
  expect(during.filter((e) => e.state === 'live')).toEqual([]);

  await expect(badge(page)).toHaveAttribute('data-state', 'live', { timeout: 12_000 });
  await expect(badge(page)).toHaveAttribute('data-transport', 'websocket');
  const live = (await log()).find((e) => e.t >= restartAt && e.state === 'live')!;
  expect(live.transport).toBe('websocket');
  expect(live.t - backAt).toBeLessThan(12_000);
  test.info().annotations.push({
    type: 'timing',
    description: `left Live ${leftLive.t - stoppedAt} ms after stop; server took ${backAt - restartAt} ms to start; Live over WebSocket ${live.t - backAt} ms after it answered`,
  });
  // and the table is current again: it shows the restarted cluster's nodes
  await expect(page.getByTestId('node-count')).toHaveAttribute('data-total', '20');
});

test('WebSocket blocked: SSE takes over and the badge says so; an SSE failure reaches the badge too', async ({
  page,
}) => {
  test.setTimeout(150_000);
  // a proxy that accepts the upgrade and drops it at once, every time
  await page.routeWebSocket(/\/api\/v1\/ws\/nodes/, (ws) =>
    ws.close({ code: 1011, reason: 'blocked by proxy' }),
  );
  await srv.signIn(page);
  await expect(badge(page)).toHaveAttribute('data-transport', 'sse', { timeout: 30_000 });
  await expect(badge(page)).toHaveAttribute('data-state', 'live');
  await expect(badge(page)).toContainText('SSE');
  await expect(page.getByTestId('connection-announcement')).toHaveText('Live updates over SSE');
  const log = await recordBadge(page);

  const stoppedAt = Date.now();
  await srv.stop();
  await expect(badge(page)).not.toHaveAttribute('data-state', 'live', { timeout: 2_000 });
  expect((await log()).find((e) => e.state !== 'live')!.t - stoppedAt).toBeLessThan(2_000);
  await page.waitForTimeout(5_000);
  const restartAt = Date.now();
  await srv.start();
  expect((await log()).filter((e) => e.t >= stoppedAt && e.t < restartAt && e.state === 'live')).toEqual([]);
  // back over SSE (the WebSocket is still blocked), within the 10 s backoff cap
  await expect(badge(page)).toHaveAttribute('data-state', 'live', { timeout: 12_000 });
  await expect(badge(page)).toHaveAttribute('data-transport', 'sse');
});
