import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalService } from '../../src/local/service';
import {
  elementScreenshot,
  HAVE_CHROMIUM,
  screenshot,
  type Browser,
  callAs,
  signedInPage as openSignedIn,
} from './browser';
import type { Upstreams } from './upstreams';
import {
  expectReadable,
  HAVE_GIT,
  type IntegratedService,
  LAPTOP,
  PHONE,
  reindexAndWait,
  sidewaysOverflow,
  startIntegratedService,
  WAIT,
} from './integrated';

describe.skipIf(!HAVE_CHROMIUM || !HAVE_GIT)('dashboard insights with the local stand-ins', () => {
  let integrated: IntegratedService | undefined;
  let upstreams: Upstreams;
  let service: LocalService;
  let browser: Browser;
  const as = (client: string, method: string, path: string, body?: unknown) =>
    callAs(service, client, method, path, body);
  const signedInPage = (viewport = LAPTOP) => openSignedIn(browser, service, viewport);

  beforeAll(async () => {
    integrated = await startIntegratedService('hezlep-e2e-insights-', { testScheduled: true });
    ({ upstreams, service, browser } = integrated);
  });

  /** Run the Worker's uptime cron once, through wrangler's scheduled-event route. */
  async function uptimeCheck(): Promise<void> {
    const response = await fetch(`${service.url}/__scheduled?cron=${encodeURIComponent('*/5 * * * *')}`);
    expect(response.status, await response.text()).toBe(200);
  }

  afterAll(async () => {
    await integrated?.stop();
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
