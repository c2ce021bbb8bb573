import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import WebSocket from 'ws';
import { PROJECT_ROOT, type LocalService } from '../../src/local/service';

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const ARTIFACTS = join(PROJECT_ROOT, 'test', 'artifacts');

// Flags for a root user on a machine without outside network: no sandbox, no background calls home.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

/** Debian's chromium with a fresh profile directory, removed on close. */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'hezlep-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1366, height: 900 },
  });
  return {
    context,
    async newPage(viewport) {
      const page = await context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      return page;
    },
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string, fullPage = true): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  // A full-page shot of a scrolled page draws the sticky header mid-page: start from the top.
  if (fullPage) await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path, fullPage });
  return path;
}

/** One element (a card) at its real size, for looking closely at a phone layout. */
export async function elementScreenshot(locator: Locator, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await locator.screenshot({ path });
  return path;
}

/** A call to the service as one of its development clients, as the tests' "other party" (the GPT, Cursor…). */
export async function callAs(service: LocalService, client: string, method: string, path: string, body?: unknown) {
  const key = service.keys.find((k) => k.client === client)!.key;
  const response = await fetch(`${service.url}${path}`, {
    method,
    headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, body: text ? JSON.parse(text) : undefined };
}

/**
 * Hold the service's event stream as `client` (topics optional); `next` resolves with the first message
 * received that matches, waiting for it. Open it before the action whose event it awaits, so nothing is missed.
 */
export async function listenAs(service: LocalService, client: string, topics?: string[]) {
  const key = service.keys.find((k) => k.client === client)!.key;
  const url = new URL(`${service.url.replace(/^http/, 'ws')}/ai/events`);
  if (topics) url.searchParams.set('topics', topics.join(','));
  const ws = new WebSocket(url, { headers: { 'x-api-key': key } });
  const seen: any[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data) => {
    seen.push(JSON.parse(String(data)));
    for (const wake of waiters.splice(0)) wake();
  });
  const failed = new Promise<never>((_, reject) => {
    ws.on('error', reject);
    ws.on('close', (code) => reject(new Error(`the event stream closed (${code}); got ${JSON.stringify(seen)}`)));
  });
  failed.catch(() => {});
  // The hub greets each listener first: after that, every event published reaches this one.
  const next = async (match: (message: any) => boolean): Promise<any> => {
    for (;;) {
      const found = seen.find(match);
      if (found) return found;
      await Promise.race([new Promise<void>((wake) => waiters.push(wake)), failed]);
    }
  };
  await next((message) => message.kind === 'hello');
  return { next, close: () => ws.close(1000, 'done') };
}

/** A page signed in with the human key, once the audit card (always present) has rendered. */
export async function signedInPage(
  browser: Browser,
  service: LocalService,
  viewport?: { width: number; height: number },
): Promise<Page> {
  const page = await browser.newPage(viewport);
  await page.goto(service.url);
  await page.getByLabel('API key').fill(service.keys.find((k) => k.client === 'human')!.key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('[data-card="audit"]').waitFor({ timeout: 20_000 });
  return page;
}
