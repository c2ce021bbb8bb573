import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { startLocalService, type LocalService } from '../../src/local/service';
import { freePort } from '../support/ports';
import {
  CHROMIUM,
  elementScreenshot,
  HAVE_CHROMIUM,
  launchBrowser,
  screenshot,
  type Browser,
  callAs,
  listenAs,
  signedInPage as openSignedIn,
} from './browser';
import { startUpstreams, VISIBLE_REPO, type Upstreams } from './upstreams';

const HAVE_GIT = spawnSync('git', ['--version']).status === 0;
if (!HAVE_CHROMIUM)
  console.warn(
    `[e2e] SKIPPING the dashboard-with-real-data browser tests: ${CHROMIUM} is not installed (apt-get install chromium).`,
  );
else if (!HAVE_GIT)
  console.warn(
    '[e2e] SKIPPING the dashboard-with-real-data browser tests: git is not installed (the index fixture is a real git repository).',
  );

const WAIT = { timeout: 20_000 };
const LAPTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };

const FIXTURE_FILES = {
  'README.md': '# Shop\n\nA small shop used by the dashboard browser tests.\n',
  'src/cart.ts':
    'export function total(prices: number[]): number {\n  return prices.reduce((sum, p) => sum + p, 0);\n}\n',
  'src/login.ts':
    'export function redirectAfterLogin(next: string | null): string {\n  return next && next.startsWith("/") ? next : "/";\n}\n',
};

/** Text a person should never be shown where words belong. */
const RAW = /\bundefined\b|\bNaN\b|\[object Object\]|\{"|":\s*[{["\d]|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

async function expectReadable(card: Locator, name: string): Promise<void> {
  const text = (await card.textContent()) ?? '';
  expect(text, `${name} card shows raw data: ${text.slice(0, 600)}`).not.toMatch(RAW);
}

/** Nothing on the page is wider than the window (a phone must not scroll sideways). */
async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
}

/** Start a re-index through the API and wait for its run's closing event; then the index as the API reports it. */
async function reindexAndWait(service: LocalService): Promise<any> {
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

describe.skipIf(!HAVE_CHROMIUM || !HAVE_GIT)('dashboard with every upstream configured (local stand-ins)', () => {
  let upstreams: Upstreams;
  let service: LocalService;
  let browser: Browser;
  let stateDir: string;

  const as = (client: string, method: string, path: string, body?: unknown) =>
    callAs(service, client, method, path, body);

  const signedInPage = (viewport = LAPTOP) => openSignedIn(browser, service, viewport);

  beforeAll(async () => {
    upstreams = await startUpstreams(FIXTURE_FILES);
    stateDir = mkdtempSync(join(tmpdir(), 'hezlep-e2e-data-'));
    chmodSync(stateDir, 0o755);
    service = await startLocalService({
      port: await freePort(),
      stateDir,
      vars: upstreams.vars,
      log: (line) => process.env.HEZLEP_TEST_VERBOSE && console.log(line),
    });
    browser = await launchBrowser();
    // The first re-index is audited: start it once the service reports its ledger up (bounded by count).
    let ledger = '';
    for (let i = 0; i < 100 && ledger !== 'ok'; i++) {
      if (i) await new Promise((resolve) => setTimeout(resolve, 100));
      const status = await as('human', 'GET', '/ai/status').catch(() => undefined);
      ledger = status?.body?.layers?.find((l: { layer: string }) => l.layer === 'ledger')?.state ?? '';
    }
    expect(ledger, 'the local ledger never reported ok').toBe('ok');
    const repo = await reindexAndWait(service);
    expect(repo.lastRun.outcome, JSON.stringify(repo.lastRun)).toBe('succeeded');
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await upstreams?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('shows the GitHub branch and the latest commits with their check state', async () => {
    const api = await as('human', 'GET', '/ai/github/commits?limit=8');
    expect(api.status, api.text).toBe(200);
    const commits: { shortSha: string; title: string; checks?: { state: string } }[] = api.body.commits;
    expect(commits.length).toBeGreaterThan(0);

    const page = await signedInPage();
    const card = page.locator('[data-card="github"]');
    await card.getByText(VISIBLE_REPO).waitFor(WAIT);
    expect(await card.textContent()).toContain(`branch ${api.body.branch ?? 'main'}`);
    for (const commit of commits) {
      const row = card.locator('li', { hasText: commit.shortSha });
      await row.waitFor(WAIT);
      expect(await row.textContent()).toContain(commit.title);
      const state = commit.checks?.state;
      expect(await row.textContent()).toContain(!state || state === 'none' ? 'no checks' : state);
    }
    await expectReadable(card, 'GitHub');
    await page.close();
  });

  it('shows WordPress and Cloudways health, then a degraded banner when the site starts failing', async () => {
    const page = await signedInPage();
    const card = page.locator('[data-card="hosting"]');
    const wordpress = card.locator('[data-layer="wordpress"]');
    const cloudways = card.locator('[data-layer="cloudways"]');
    await expect.poll(() => wordpress.textContent(), WAIT).toMatch(/^ok/);
    await expect.poll(() => cloudways.textContent(), WAIT).toMatch(/^ok/);
    expect(await cloudways.textContent()).toMatch(/2\/2 servers running/);
    await expectReadable(card, 'hosting');
    expect(await page.locator('[data-banners]').count()).toBe(0);

    upstreams.scenario.wordpress = 'failing';
    upstreams.scenario.cloudways = 'stopped';
    try {
      await card.getByRole('button', { name: 'Check hosting health now' }).click();
      const banners = page.locator('[data-banners]');
      await banners.getByText(/^WordPress is (degraded|down)/).waitFor(WAIT);
      await banners.getByText(/^Cloudways is degraded/).waitFor(WAIT);
      await expect.poll(() => wordpress.textContent(), WAIT).toMatch(/^(degraded|down)/);
      expect(await cloudways.textContent()).toMatch(/staging/);
      await expectReadable(card, 'hosting (failing)');
      await expectReadable(banners, 'banners');
      await screenshot(page, 'hosting-degraded-laptop');
      const phone = await signedInPage(PHONE);
      await phone
        .locator('[data-banners]')
        .getByText(/^WordPress is/)
        .waitFor(WAIT);
      expect(await sidewaysOverflow(phone)).toBeLessThanOrEqual(0);
      await screenshot(phone, 'hosting-degraded-phone');
      await elementScreenshot(phone.locator('[data-banners]'), 'hosting-degraded-phone-banners');
      await elementScreenshot(phone.locator('[data-card="hosting"]'), 'hosting-degraded-phone-card');
      await phone.close();
    } finally {
      upstreams.scenario.wordpress = 'healthy';
      upstreams.scenario.cloudways = 'healthy';
    }
    // Healthy again: the banner goes away when the page asks again.
    await card.getByRole('button', { name: 'Check hosting health now' }).click();
    await page.locator('[data-banners]').waitFor({ state: 'detached', ...WAIT });
    await page.close();
  });

  it('shows the index as fresh, then stale after a new commit, then fresh again after a re-index', async () => {
    const page = await signedInPage();
    const card = page.locator('[data-card="index"]');
    const row = card.locator(`[data-index-repo="${upstreams.fixture.fullName}"]`);
    await expect.poll(() => row.getAttribute('data-freshness'), WAIT).toBe('fresh');
    expect(await row.textContent()).toContain(upstreams.fixture.head.slice(0, 7));
    expect(await row.textContent()).toMatch(/\d+ files · \d+ chunks/);
    await expectReadable(card, 'index');
    await screenshot(page, 'index-fresh', false);

    const head = await upstreams.commit({ 'src/coupon.ts': 'export const COUPON_LIMIT = 3;\n' }, 'Add a coupon limit');
    await card.getByRole('button', { name: 'Check index freshness now' }).click();
    await expect.poll(() => row.getAttribute('data-freshness'), WAIT).toBe('stale');
    expect(await row.textContent()).toContain(`moved on to ${head.slice(0, 7)}`);
    await expectReadable(card, 'index (stale)');
    await screenshot(page, 'index-stale-laptop');
    const phone = await signedInPage(PHONE);
    await phone.locator(`[data-card="index"] [data-freshness="stale"]`).waitFor(WAIT);
    expect(await sidewaysOverflow(phone)).toBeLessThanOrEqual(0);
    await screenshot(phone, 'index-stale-phone');
    await elementScreenshot(phone.locator('[data-card="index"]'), 'index-stale-phone-card');
    await phone.close();

    // A re-index publishes on the index topic: the card follows without a click.
    await reindexAndWait(service);
    await expect.poll(() => row.getAttribute('data-freshness'), WAIT).toBe('fresh');
    expect(await row.textContent()).toContain(head.slice(0, 7));
    await page.close();
  });

  it('shows a progress bar with files done of planned while an index run goes', async () => {
    const github = upstreams.vars.GITHUB_API_URL;
    const write: Record<string, string> = {};
    for (let i = 0; i < 6; i++) write[`src/progress/part${i}.ts`] = `export const PART_${i} = ${i};\n`;
    await upstreams.commit(write, 'Add six parts');
    // The fourth file fails until the fault is cleared: the run holds after the three before it, retrying
    // (a batch keeps the files it finished before a failure).
    const fault = await fetch(`${github}/_fixtures/faults`, {
      method: 'POST',
      body: JSON.stringify({
        fullName: upstreams.fixture.fullName,
        path: 'src/progress/part3.ts',
        status: 500,
        times: -1,
      }),
    });
    expect(fault.status).toBe(201);
    try {
      const started = await as('human', 'POST', '/ai/github/reindex', {});
      expect(started.status, started.text).toBe(202);
      const page = await signedInPage();
      const card = page.locator('[data-card="index"]');
      const bar = card.locator('[data-index-progress] progress');
      await bar.waitFor(WAIT);
      await expect
        .poll(async () => [await bar.getAttribute('value'), await bar.getAttribute('max')], WAIT)
        .toEqual(['3', '6']);
      expect(await card.locator('[data-index-progress]').textContent()).toMatch(/3 of 6 files/);
      await card
        .getByRole('progressbar')
        .focus()
        .catch(() => undefined);
      await screenshot(page, 'index-progress-laptop');
      const phone = await signedInPage(PHONE);
      await phone.locator('[data-card="index"] [data-index-progress] progress').waitFor(WAIT);
      expect(await sidewaysOverflow(phone)).toBeLessThanOrEqual(0);
      await elementScreenshot(phone.locator('[data-card="index"]'), 'index-progress-phone-card');
      await phone.close();

      await fetch(`${github}/_fixtures/faults`, { method: 'DELETE' });
      // The run resumes at its next retry and finishes; the bar goes away without a reload.
      await bar.waitFor({ state: 'detached', timeout: 60_000 });
      const row = card.locator(`[data-index-repo="${upstreams.fixture.fullName}"]`);
      await expect.poll(() => row.getAttribute('data-freshness'), WAIT).toBe('fresh');
      await page.close();
    } finally {
      await fetch(`${github}/_fixtures/faults`, { method: 'DELETE' });
    }
  });

  it("shows Cursor sessions, the GPT's recent queries and the audit timeline updating live", async () => {
    const page = await signedInPage();
    await page.evaluate('window.__sameDocument = true');
    const file = `src/checkout-${crypto.randomUUID().slice(0, 6)}.ts`;
    const synced = await as('cursor', 'POST', '/ai/cursor/session', {
      workspace: 'shop',
      branch: 'feature/checkout',
      head: upstreams.fixture.head,
      file,
      diff: '+const a = 1;\n+const b = 2;\n+const c = 3;\n-const old = 0;\n',
      timestamp: new Date().toISOString(),
    });
    expect(synced.status, synced.text).toBeLessThan(300);
    const cursor = page.locator('[data-card="cursor"]');
    await cursor.getByText(file).waitFor(WAIT);
    expect(await cursor.textContent()).toMatch(/feature\/checkout.*\+3.*−1/s);
    await expectReadable(cursor, 'Cursor');

    // The GPT asks three things; each appears with its route, parameters and result count.
    const asked = [
      await as('gpt', 'GET', '/ai/github/commits?limit=3'),
      await as('gpt', 'GET', '/ai/search?q=redirectAfterLogin&k=2'),
      await as('gpt', 'GET', '/ai/context?view=prompt'),
    ];
    for (const answer of asked) expect(answer.status, answer.text).toBe(200);
    const queries = page.locator('[data-card="queries"]');
    await queries.getByText('GET /ai/github/commits').first().waitFor(WAIT);
    await queries.getByText('GET /ai/search').first().waitFor(WAIT);
    await queries.getByText('q=redirectAfterLogin').first().waitFor(WAIT);
    const commitsRow = queries.locator('li', { hasText: 'GET /ai/github/commits' }).first();
    expect(await commitsRow.textContent()).toMatch(/3 results/);
    await expectReadable(queries, 'queries');

    // A mutation made elsewhere lands on the timeline without a reload.
    const branch = `feature/live-${crypto.randomUUID().slice(0, 6)}`;
    expect((await as('cursor', 'PATCH', '/ai/context', { branch })).status).toBe(200);
    const audit = page.locator('[data-card="audit"]');
    await audit.locator('[data-audit-action^="context."]', { hasText: 'cursor' }).first().waitFor(WAIT);
    await audit.locator('[data-audit-action="index.reindex"]', { hasText: 'human' }).first().waitFor(WAIT);
    await expectReadable(audit, 'audit');
    expect(await page.evaluate('window.__sameDocument')).toBe(true);

    for (const [name, card] of Object.entries({
      github: 'github',
      hosting: 'hosting',
      index: 'index',
      layers: 'layers',
      context: 'context',
    })) {
      await expectReadable(page.locator(`[data-card="${card}"]`), name);
    }
    await screenshot(page, 'data-laptop');
    const phone = await signedInPage(PHONE);
    await phone.locator('[data-card="cursor"]').getByText(file).waitFor(WAIT);
    await phone.locator('[data-card="github"]').getByText(VISIBLE_REPO).waitFor(WAIT);
    expect(await sidewaysOverflow(phone)).toBeLessThanOrEqual(0);
    await screenshot(phone, 'data-phone');
    for (const card of ['layers', 'queries', 'github', 'cursor', 'index', 'audit'])
      await elementScreenshot(phone.locator(`[data-card="${card}"]`), `data-phone-${card}`);
    await phone.close();
    await page.close();
  });
});

describe.skipIf(!HAVE_CHROMIUM || !HAVE_GIT)('dashboard insights with the local stand-ins', () => {
  let upstreams: Upstreams;
  let service: LocalService;
  let browser: Browser;
  let stateDir: string;
  const as = (client: string, method: string, path: string, body?: unknown) =>
    callAs(service, client, method, path, body);
  const signedInPage = (viewport = LAPTOP) => openSignedIn(browser, service, viewport);

  beforeAll(async () => {
    upstreams = await startUpstreams(FIXTURE_FILES);
    stateDir = mkdtempSync(join(tmpdir(), 'hezlep-e2e-insights-'));
    chmodSync(stateDir, 0o755);
    service = await startLocalService({
      port: await freePort(),
      stateDir,
      vars: upstreams.vars,
      testScheduled: true,
      log: (line) => process.env.HEZLEP_TEST_VERBOSE && console.log(line),
    });
    browser = await launchBrowser();
  });

  /** Run the Worker's uptime cron once, through wrangler's scheduled-event route. */
  async function uptimeCheck(): Promise<void> {
    const response = await fetch(`${service.url}/__scheduled?cron=${encodeURIComponent('*/5 * * * *')}`);
    expect(response.status, await response.text()).toBe(200);
  }

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await upstreams?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('shows what a rollback would take back (commits with authors and checks, files with +/-) and approves that commit', async () => {
    const listed = await as('human', 'GET', '/ai/github/commits?limit=8');
    expect(listed.status, listed.text).toBe(200);
    const target: { sha: string } = listed.body.commits[4];
    const proposed = await as('gpt', 'POST', '/ai/intents', {
      kind: 'rollback',
      target: 'develop',
      parameters: { commit: target.sha },
      reason: 'the last four changes broke checkout',
    });
    expect(proposed.status, proposed.text).toBe(201);
    const id: string = proposed.body.intent.id;
    const changes = await as('gpt', 'GET', `/ai/intents/${id}/changes`);
    expect(changes.status, changes.text).toBe(200);
    expect(changes.body).toMatchObject({
      direction: 'removes',
      shipping: { commit: target.sha, source: 'parameter' },
      running: { source: 'branch-head', ref: 'develop' },
    });
    const commits: { shortSha: string; title: string; author: string; checks: { state: string } | null }[] =
      changes.body.comparison.commits;
    const files: { path: string; additions: number; deletions: number }[] = changes.body.comparison.files;
    expect(commits).toHaveLength(4);
    expect(files.length).toBeGreaterThan(0);

    const page = await signedInPage();
    const ships = page.locator(`[data-intent="${id}"] [data-what-ships="removes"]`);
    await ships.waitFor(WAIT);
    expect(await ships.locator('summary').textContent()).toBe(
      `What ships: ${changes.body.summary.replace(/^[^:]*:\s*/, '')}`,
    );
    for (const commit of commits) {
      const row = ships.locator('[data-ships="commits"] li', { hasText: commit.shortSha });
      expect(await row.textContent()).toContain(commit.title);
      expect(await row.textContent()).toContain(commit.author);
      expect(await row.textContent()).toContain(
        !commit.checks ? 'not checked' : commit.checks.state === 'none' ? 'no checks' : commit.checks.state,
      );
    }
    for (const file of files) {
      expect(await ships.locator('[data-ships="files"] li', { hasText: file.path }).textContent()).toMatch(
        new RegExp(`\\+${file.additions}.*−${file.deletions}`),
      );
    }
    await expectReadable(ships, 'what ships');
    await screenshot(page, 'what-ships-laptop');

    // The summary folds and unfolds from the keyboard.
    await ships.locator('summary').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => ships.getAttribute('open')).toBeNull();
    await page.keyboard.press('Enter');
    await expect.poll(() => ships.getAttribute('open')).toBe('');

    const phone = await signedInPage(PHONE);
    const phoneShips = phone.locator(`[data-intent="${id}"] [data-what-ships]`);
    await phoneShips.waitFor(WAIT);
    expect(await sidewaysOverflow(phone)).toBeLessThanOrEqual(0);
    await elementScreenshot(phone.locator('[data-card="intents"]'), 'what-ships-phone-card');
    await phone.close();

    // Approving binds the commit that was shown.
    await page.locator(`[data-intent="${id}"]`).getByRole('button', { name: 'Approve' }).click();
    await page.locator('[data-intent-notice]').waitFor(WAIT);
    const approved = await as('human', 'GET', `/ai/intents/${id}`);
    expect(approved.body.intent.approval.commit, approved.text).toBe(target.sha);
    await page.close();
  });

  it('draws the uptime timeline, latency and request rate per route, and intents per day, from real history', async () => {
    // Three uptime checks: WordPress healthy, failing, healthy again.
    await uptimeCheck();
    upstreams.scenario.wordpress = 'failing';
    try {
      await uptimeCheck();
    } finally {
      upstreams.scenario.wordpress = 'healthy';
    }
    await uptimeCheck();
    const history = await as('human', 'GET', '/ai/status/history?layer=wordpress');
    const states: string[] = history.body.transitions.map((t: { to: string }) => t.to).reverse();
    expect(states, history.text).toEqual(['ok', expect.stringMatching(/^(degraded|down)$/), 'ok']);
    for (let i = 0; i < 3; i++) expect((await as('gpt', 'GET', '/ai/context')).status).toBe(200);
    const proposed = await as('human', 'POST', '/ai/intents', { kind: 'purge-cache', target: 'production' });
    expect(proposed.status, proposed.text).toBe(201);

    const page = await signedInPage();
    const card = page.locator('[data-card="trends"]');
    const wordpress = card.locator('[data-uptime-layer="wordpress"]');
    const bad = wordpress.locator(`[data-band="${states[1]}"]`);
    await bad.waitFor(WAIT);
    expect(await wordpress.locator('[data-band="ok"]').count()).toBe(2);
    // Focus (as Tab would) shows the state, reason and time of the band.
    await bad.focus();
    await expect
      .poll(() => card.locator('[data-uptime-detail]').textContent(), WAIT)
      .toMatch(new RegExp(`^WordPress ${states[1]} from .+ to .+: \\S`));

    const latency = card.locator('[data-chart="latency"]');
    const route = latency.getByLabel('Route');
    await route.waitFor(WAIT);
    // By value: an option's label carries the route's live request count, which changes as the page refreshes.
    await route.selectOption('GET /ai/context');
    expect(await latency.locator('path[data-line="p50"]').getAttribute('d')).toMatch(/^M[\d.]+ [\d.]+/);
    expect(await latency.locator('path[data-line="requests"]').getAttribute('d')).toMatch(/^M/);

    const today = new Date().toISOString().slice(5, 10);
    await expect
      .poll(() => card.locator(`[data-chart="intents"] [data-bar="${today}"]`).getAttribute('aria-label'), WAIT)
      .toMatch(/\d+ open/);
    await expectReadable(card, 'trends');
    await elementScreenshot(card, 'trends-24h-laptop-card');
    await screenshot(page, 'trends-laptop');

    // The span switches from the keyboard.
    const week = card.getByRole('radio', { name: 'Last 7 days' });
    await week.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => week.getAttribute('aria-checked')).toBe('true');
    // One hour of data is one point: a dot, too small to count as "visible", so its path is read instead.
    await expect
      .poll(() => latency.locator('path[data-line="p50"]').getAttribute('d'), WAIT)
      .toMatch(/^M[\d.]+ [\d.]+/);
    await elementScreenshot(card, 'trends-7d-laptop-card');

    const phone = await signedInPage(PHONE);
    const phoneCard = phone.locator('[data-card="trends"]');
    await phoneCard.locator('[data-uptime-layer="wordpress"] [data-band]').first().waitFor(WAIT);
    await phoneCard.locator('[data-chart="latency"] path[data-line="p50"]').waitFor({ state: 'attached', ...WAIT });
    expect(await sidewaysOverflow(phone)).toBeLessThanOrEqual(0);
    await elementScreenshot(phoneCard, 'trends-phone-card');
    await phone.close();
    await page.close();
  });

  it('searches the index from the page: hits grouped by file, terms highlighted, linked at the indexed commit, stale hits marked', async () => {
    await reindexAndWait(service);
    const page = await signedInPage();
    const card = page.locator('[data-card="search"]');
    await card.getByLabel('Search code').fill('redirectAfterLogin');
    await page.keyboard.press('Enter');
    const file = card.locator('[data-search-file="src/login.ts"]');
    await file.waitFor(WAIT);
    expect(await file.getAttribute('data-stale')).toBe('false');
    expect((await file.locator('mark').first().textContent())?.toLowerCase()).toBe('redirectafterlogin');
    const hit = file.locator('[data-search-hit]').first();
    expect(await hit.textContent()).toMatch(/lines \d+–\d+/);
    expect(await hit.getByRole('link').getAttribute('href')).toMatch(
      new RegExp(`/blob/${upstreams.fixture.head}/src/login\\.ts#L\\d+-L\\d+$`),
    );
    // Each file appears once, however many of its chunks matched.
    const files = await card
      .locator('[data-search-file]')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-search-file')));
    expect(new Set(files).size).toBe(files.length);
    await expectReadable(card, 'search');
    await elementScreenshot(card, 'search-laptop-card');

    // The branch moves on: the same search across every repository (recall) marks the hit stale.
    await upstreams.commit({ 'src/banner.ts': 'export const BANNER = "sale";\n' }, 'Add a banner');
    await card.getByLabel('Repository').selectOption({ label: 'All repositories' });
    await card.getByRole('button', { name: 'Search' }).click();
    await card.locator('[data-search-file="src/login.ts"][data-stale="true"]').waitFor(WAIT);
    expect(await card.locator('[data-search-file="src/login.ts"]').textContent()).toContain('stale: indexed at');
    await screenshot(page, 'search-laptop');

    const phone = await signedInPage(PHONE);
    const phoneCard = phone.locator('[data-card="search"]');
    await phoneCard.getByLabel('Search code').fill('total prices');
    await phoneCard.getByRole('button', { name: 'Search' }).click();
    await phoneCard.locator('[data-search-file="src/cart.ts"]').waitFor(WAIT);
    expect(await sidewaysOverflow(phone)).toBeLessThanOrEqual(0);
    await elementScreenshot(phoneCard, 'search-phone-card');
    await phone.close();
    await page.close();
  });
});
