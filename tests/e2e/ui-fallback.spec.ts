import { test } from '@playwright/test';
import { expect, signIn } from './fixtures';

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
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'fallback-sse', {
    timeout: 20_000,
  });
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

test('shows reconnecting when the live connection drops and resumes without losing changes', async ({
  page,
  context,
}) => {
  let block = false;
  await page.routeWebSocket(/\/api\/v1\/ws\/nodes/, (ws) => {
    if (block) {
      void ws.close({ code: 1011 });
      return;
    }
    const server = ws.connectToServer();
    // drop this connection once blocking starts
    const timer = setInterval(() => {
      if (block) {
        clearInterval(timer);
        void ws.close({ code: 1012 });
        void server.close();
      }
    }, 100);
  });
  await signIn(page);
  // a node nobody (churn, other tests) has cordoned
  const firstRow = page.locator('[data-testid^="node-row-"][data-unschedulable=false]').first();
  await expect(firstRow).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live');
  const name = (await firstRow.getAttribute('data-testid'))!.replace('node-row-', '');

  block = true;
  await expect(page.getByTestId('connection-state')).toHaveAttribute(
    'data-state',
    /reconnecting|fallback-sse/,
  );
  // a change made while this tab is disconnected
  const other = await context.newPage();
  await other.goto('/');
  await other.getByTestId(`node-row-${name}`).click();
  await other.getByTestId('tab-labels').click();
  await other.getByTestId('label-add').click();
  const editor = other.getByTestId('labels-editor');
  const key = `e2e/resume-${Date.now()}`;
  await editor.locator('input[aria-label^="Label key"]').last().fill(key);
  await editor.locator('input[aria-label^="Label value"]').last().fill('yes');
  await other.getByTestId('labels-save').click();
  await expect(editor).toContainText('Saved');
  await other.close();

  block = false;
  // the tab catches up by resuming from its last seq (WebSocket again, or SSE if it fell back)
  await page.getByTestId('filter-selector').fill(`${key}=yes`);
  await expect(page.getByTestId(`node-row-${name}`)).toBeVisible({ timeout: 20_000 });
});
