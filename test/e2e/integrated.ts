import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { startLocalService, type LocalService } from '../../src/local/service';
import { freePort } from '../support/ports';
import { CHROMIUM, HAVE_CHROMIUM, launchBrowser, type Browser, callAs, listenAs } from './browser';
import { startUpstreams, type Upstreams } from './upstreams';

/** The dashboard with real data from every upstream stand-in: what the browser suites over a full service share. */

export const HAVE_GIT = spawnSync('git', ['--version']).status === 0;
if (!HAVE_CHROMIUM)
  console.warn(
    `[e2e] SKIPPING the dashboard-with-real-data browser tests: ${CHROMIUM} is not installed (apt-get install chromium).`,
  );
else if (!HAVE_GIT)
  console.warn(
    '[e2e] SKIPPING the dashboard-with-real-data browser tests: git is not installed (the index fixture is a real git repository).',
  );

export const WAIT = { timeout: 20_000 };
export const LAPTOP = { width: 1366, height: 900 };
export const PHONE = { width: 390, height: 844 };

export const FIXTURE_FILES = {
  'README.md': '# Shop\n\nA small shop used by the dashboard browser tests.\n',
  'src/cart.ts':
    'export function total(prices: number[]): number {\n  return prices.reduce((sum, p) => sum + p, 0);\n}\n',
  'src/login.ts':
    'export function redirectAfterLogin(next: string | null): string {\n  return next && next.startsWith("/") ? next : "/";\n}\n',
};

/** Text a person should never be shown where words belong. */
export const RAW = /\bundefined\b|\bNaN\b|\[object Object\]|\{"|":\s*[{["\d]|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

export async function expectReadable(card: Locator, name: string): Promise<void> {
  const text = (await card.textContent()) ?? '';
  expect(text, `${name} card shows raw data: ${text.slice(0, 600)}`).not.toMatch(RAW);
}

/** Nothing on the page is wider than the window (a phone must not scroll sideways). */
export async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
}

/** Start a re-index through the API and wait for its run's closing event; then the index as the API reports it. */
export async function reindexAndWait(service: LocalService): Promise<any> {
  const events = await listenAs(service, 'human', ['index']);
  try {
    const started = await callAs(service, 'human', 'POST', '/ai/github/reindex', {});
    expect(started.status, started.text).toBe(202);
    await events.next(
      (m) =>
        m.kind === 'event' &&
        (m.type === 'index.run_succeeded' || m.type === 'index.run_failed') &&
        m.data?.runId === started.body.runId,
    );
  } finally {
    events.close();
  }
  return (await callAs(service, 'human', 'GET', '/ai/github/index')).body.repos[0];
}

export interface IntegratedService {
  upstreams: Upstreams;
  service: LocalService;
  browser: Browser;
  /** Closes the browser, stops the service and the stand-ins, and removes the service's state. */
  stop(): Promise<void>;
}

/** The upstream stand-ins over the fixture repository, a local service wired to them (state in a fresh temporary directory) and a browser. */
export async function startIntegratedService(
  stateDirPrefix: string,
  options: { testScheduled?: boolean } = {},
): Promise<IntegratedService> {
  const upstreams = await startUpstreams(FIXTURE_FILES);
  const stateDir = mkdtempSync(join(tmpdir(), stateDirPrefix));
  chmodSync(stateDir, 0o755);
  let service: LocalService | undefined;
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close();
    await service?.stop();
    await upstreams.stop();
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    service = await startLocalService({
      port: await freePort(),
      stateDir,
      vars: upstreams.vars,
      ...(options.testScheduled ? { testScheduled: true } : {}),
      log: (line) => process.env.HEZLEP_TEST_VERBOSE && console.log(line),
    });
    browser = await launchBrowser();
  } catch (error) {
    await stop();
    throw error;
  }
  return { upstreams, service, browser, stop };
}
