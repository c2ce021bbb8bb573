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
import { VISIBLE_REPO, type Upstreams } from './upstreams';
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

describe.skipIf(!HAVE_CHROMIUM || !HAVE_GIT)('dashboard with every upstream configured (local stand-ins)', () => {
  let integrated: IntegratedService | undefined;
  let upstreams: Upstreams;
  let service: LocalService;
  let browser: Browser;

  const as = (client: string, method: string, path: string, body?: unknown) =>
    callAs(service, client, method, path, body);

  const signedInPage = (viewport = LAPTOP) => openSignedIn(browser, service, viewport);

  beforeAll(async () => {
    integrated = await startIntegratedService('hezlep-e2e-data-');
    ({ upstreams, service, browser } = integrated);
    // startLocalService returns once migrations are applied and the Worker answers, so the first re-index's
    // audit write waits for the ledger rather than racing it; the status probe, with its own timeout, is read after.
    const repo = await reindexAndWait(service);
    expect(repo.lastRun.outcome, JSON.stringify(repo.lastRun)).toBe('succeeded');
    const status = await as('human', 'GET', '/ai/status');
    const ledger = status.body?.layers?.find((l: { layer: string }) => l.layer === 'ledger')?.state;
    expect(ledger, 'the local ledger is not ok').toBe('ok');
  });

  afterAll(async () => {
    await integrated?.stop();
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
