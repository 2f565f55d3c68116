import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { freePort, startApp, type AppServer } from '../integration/helpers/app-server';

export const ownPassword = 'admin-password-1';

/**
 * An app server of the test's own (not the shared webServer): quiet (no demo churn unless asked), and
 * restartable on the same port and data dir, so the browser keeps its page and session across a restart.
 */
export class OwnServer {
  app: AppServer | null = null;
  private constructor(
    private readonly port: number,
    private readonly dataDir: string,
    private readonly env: Record<string, string>,
    private readonly startTimeoutMs?: number,
  ) {}

  static async create(env: Record<string, string> = {}, startTimeoutMs?: number): Promise<OwnServer> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'knm-e2e-own-'));
    const s = new OwnServer(
      await freePort(),
      dir,
      { DEMO_NODES: '20', LOG_LEVEL: 'warn', ...env },
      startTimeoutMs,
    );
    await s.start();
    return s;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<AppServer> {
    this.app = await startApp(this.env, {
      port: this.port,
      dataDir: this.dataDir,
      startTimeoutMs: this.startTimeoutMs,
    });
    return this.app;
  }

  async stop(): Promise<void> {
    await this.app?.stop('SIGTERM');
    this.app = null;
  }

  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.dataDir, { recursive: true, force: true });
  }

  async signIn(page: Page): Promise<void> {
    await page.goto(`${this.url}/login`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(ownPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.pathname === '/');
  }
}
