import { test, type WebSocketRoute } from '@playwright/test';
import { expect, signIn } from './fixtures';

interface AnyMessage {
  type: string;
  seq?: number;
  cluster_name?: string;
  node_name?: string;
  at?: number;
  data?: { since?: number; replayed?: number; labels?: Record<string, string> };
}

test('falls back to SSE when WebSockets are blocked and still receives live changes', async ({
  page,
  context,
}) => {
  // a proxy that accepts the upgrade and drops it at once, every time
  await page.routeWebSocket(/\/api\/v1\/ws\/nodes/, (ws) =>
    ws.close({ code: 1011, reason: 'blocked by proxy' }),
  );
  await signIn(page);
  // a node nobody (churn, other tests) has cordoned
  const firstRow = page.locator('[data-testid^="node-row-"][data-unschedulable=false]').first();
  await expect(firstRow).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-transport', 'sse', {
    timeout: 20_000,
  });
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live');
  const name = (await firstRow.getAttribute('data-testid'))!.replace('node-row-', '');

  // another tab (normal WebSocket) cordons the node; the SSE tab must see it pushed
  const other = await context.newPage();
  await other.goto('/');
  await other.getByTestId(`node-row-${name}`).click();
  await other.getByTestId('tab-actions').click();
  await other.getByTestId('cordon').click();
  await expect(other.getByTestId(`node-row-${name}`)).toHaveAttribute('data-unschedulable', 'true');
  await expect(page.getByTestId(`node-row-${name}`)).toHaveAttribute('data-unschedulable', 'true');

  await other.getByTestId('uncordon').click();
  await expect(page.getByTestId(`node-row-${name}`)).toHaveAttribute('data-unschedulable', 'false');
  await other.close();
});

test('resumes after a full disconnect: a change made while both transports are blocked arrives by replay, not refetch', async ({
  page,
  baseURL,
}) => {
  // everything the page's push transports do passes through here, so the test knows when it is cut off
  let blocked = false;
  const open = new Set<WebSocketRoute>();
  const toServer: AnyMessage[] = [];
  const toPage: AnyMessage[] = [];
  const sseRequests: Array<{ url: URL; blocked: boolean }> = [];
  const listFetches: number[] = [];
  // every resume point the page sends, over either transport, in the order sent
  const resumes: Array<{ via: 'ws' | 'sse'; since: number | undefined }> = [];
  await page.routeWebSocket(/\/api\/v1\/ws\/nodes/, (ws) => {
    if (blocked) return void ws.close({ code: 1011, reason: 'blocked by the test' });
    const server = ws.connectToServer();
    open.add(ws);
    ws.onMessage((m) => {
      if (blocked) return;
      const msg = JSON.parse(String(m)) as AnyMessage;
      toServer.push({ ...msg, at: toPage.length });
      if (msg.type === 'subscribe') resumes.push({ via: 'ws', since: msg.data?.since });
      server.send(m);
    });
    server.onMessage((m) => {
      if (blocked) return; // nothing reaches the page once blocked, not even a frame in flight
      toPage.push(JSON.parse(String(m)) as AnyMessage);
      ws.send(m);
    });
  });
  await page.route(/\/api\/v1\/sse\/nodes/, (route) => {
    const url = new URL(route.request().url());
    sseRequests.push({ url, blocked });
    if (!blocked) resumes.push({ via: 'sse', since: Number(url.searchParams.get('since')) });
    return blocked ? route.abort('connectionrefused') : route.continue();
  });
  page.on('request', (r) => {
    if (r.method() === 'GET' && new URL(r.url()).pathname === '/api/v1/clusters/demo/nodes')
      listFetches.push(Date.now());
  });

  await signIn(page);
  const firstRow = page.locator('[data-testid^="node-row-"][data-unschedulable=false]').first();
  await expect(firstRow).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live');
  await expect.poll(() => toPage.some((m) => m.type === 'subscribed')).toBe(true);
  const name = (await firstRow.getAttribute('data-testid'))!.replace('node-row-', '');

  // cut: close every socket, refuse new ones and every SSE request
  blocked = true;
  for (const ws of open) void ws.close({ code: 1012, reason: 'cut by the test' });
  open.clear();
  const seqs = toPage.flatMap((m) =>
    (m.type === 'subscribed' || m.type.startsWith('node_')) && m.cluster_name === 'demo' ? [m.seq!] : [],
  );
  const lastSeq = Math.max(...seqs);
  await expect(page.getByTestId('connection-state')).not.toHaveAttribute('data-state', 'live');

  // the change, made while the page is cut off (through the API, not through the page)
  const key = `e2e/resume-${Date.now()}`;
  const write = await page.request.post(`/api/v1/clusters/demo/nodes/${name}/labels`, {
    data: { set: { [key]: 'yes' } },
    headers: { origin: baseURL! },
  });
  expect(write.status()).toBe(200);
  await page.getByTestId('filter-selector').fill(`${key}=yes`);
  // it has not arrived: nothing is connected
  await page.waitForTimeout(1500);
  await expect(page.getByTestId('node-count')).toHaveAttribute('data-count', '0');
  expect(open.size).toBe(0);
  const fetchesBefore = listFetches.length;
  const sentBefore = toServer.length;
  const resumesBefore = resumes.length;

  blocked = false;
  await expect(page.getByTestId(`node-row-${name}`)).toBeVisible({ timeout: 30_000 });
  // it came by resuming from the last seq the page had (WebSocket subscribe or SSE URL), with no refetch
  const firstResume = resumes[resumesBefore]!;
  expect(firstResume.since).toBe(lastSeq);
  expect(listFetches.length).toBe(fetchesBefore);
  // over a WebSocket the replay itself is visible: the ack counts it, the change follows the last seq
  // (when SSE resumed first, the WebSocket tried right after has nothing left to replay)
  const ack = toPage.find((m, i) => i >= (toServer[sentBefore]?.at ?? Infinity) && m.type === 'subscribed');
  if (ack && firstResume.via === 'ws') {
    expect(ack.data?.replayed).toBeGreaterThanOrEqual(1);
    expect(
      toPage.find((m) => m.type === 'node_update' && m.node_name === name && m.data?.labels?.[key] === 'yes')
        ?.seq,
    ).toBeGreaterThan(lastSeq);
  }
});
