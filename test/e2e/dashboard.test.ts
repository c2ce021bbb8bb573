import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalService, type LocalService } from '../../src/local/service';
import { startAccessServer, type LocalAccess } from '../../src/local/upstreams/access';
import { freePort } from '../support/ports';
import {
  CHROMIUM,
  HAVE_CHROMIUM,
  launchBrowser,
  screenshot,
  type Browser,
  callAs,
  signedInPage as openSignedIn,
} from './browser';

if (!HAVE_CHROMIUM) {
  console.warn(`[e2e] SKIPPING the dashboard browser tests: ${CHROMIUM} is not installed (apt-get install chromium).`);
}

/** Every card on the page and the endpoint that feeds it. */
const CARDS: [card: string, endpoint: string][] = [
  ['intents', '/ai/intents'],
  ['layers', '/ai/status'],
  ['context', '/ai/context'],
  ['queries', '/ai/queries'],
  ['github', '/ai/github/commits'],
  ['cursor', '/ai/cursor/session'],
  ['hosting', '/ai/status'],
  ['index', '/ai/status'],
  ['audit', '/ai/audit'],
  ['connections', '/ai/connections'],
];

const WAIT = { timeout: 20_000 };

describe.skipIf(!HAVE_CHROMIUM)('dashboard in a real browser', () => {
  let service: LocalService;
  let browser: Browser;
  let stateDir: string;
  /** Cloudflare Access in front of the service (a local key server): key sign-in keeps working beside it. */
  let access: LocalAccess;
  const accessAud = `aud-${crypto.randomUUID()}`;
  const key = (client: string) => service.keys.find((k) => k.client === client)!.key;

  const as = (client: string, method: string, path: string, body?: unknown) =>
    callAs(service, client, method, path, body);

  const signedInPage = (viewport?: { width: number; height: number }) => openSignedIn(browser, service, viewport);

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'hezlep-e2e-'));
    // The local Postgres may run as its own user and must reach its data directory inside.
    chmodSync(stateDir, 0o755);
    access = await startAccessServer();
    service = await startLocalService({
      port: await freePort(),
      stateDir,
      vars: { ACCESS_TEAM_DOMAIN: `${access.url}/e2e`, ACCESS_AUD: accessAud },
      log: (line) => process.env.HEZLEP_TEST_VERBOSE && console.log(line),
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await access?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('serves the dashboard at / while the API paths still reach the Worker', async () => {
    const page = await fetch(`${service.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${service.url}/openapi.json`)).headers.get('content-type')).toContain('application/json');
    const unknown = await fetch(`${service.url}/ai/no-such-thing`, { headers: { 'x-api-key': key('human') } });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
  });

  it('signs in with the human key only, keeping it in sessionStorage', async () => {
    const page = await browser.newPage();
    await page.goto(service.url);
    await screenshot(page, 'sign-in');
    await page.getByLabel('API key').fill('not-a-real-key-00000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent(WAIT)).resolves.toMatch(/not recognised/);
    await page.getByLabel('API key').fill(key('gpt'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('needs a human key').waitFor(WAIT);
    await screenshot(page, 'sign-in-refused');

    await page.getByLabel('API key').fill(key('human'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-card="audit"]').waitFor(WAIT);
    // Evaluated in the page (strings: this project's TypeScript has no DOM library).
    const stored = await page.evaluate<{ session: string | null; local: string }>(
      `({ session: sessionStorage.getItem('hezlep.humanKey'), local: JSON.stringify(localStorage) })`,
    );
    expect(stored.session).toBe(key('human'));
    expect(stored.local).not.toContain(key('human'));

    // A reload keeps the tab signed in; signing out forgets the key.
    await page.reload();
    await page.locator('[data-card="audit"]').waitFor(WAIT);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor(WAIT);
    expect(await page.evaluate(`sessionStorage.getItem('hezlep.humanKey')`)).toBeNull();
    await page.close();
  });

  it('shows every card loaded from its endpoint, and holds the live event stream', async () => {
    const page = await signedInPage();
    for (const [card, endpoint] of CARDS) {
      // The dashboard and the server ship together: every endpoint a card reads exists.
      const answer = await as('human', 'GET', endpoint);
      expect(answer.status, `${endpoint} feeds the ${card} card: ${answer.text}`).not.toBe(404);
      const locator = page.locator(`[data-card="${card}"]`);
      await locator.waitFor(WAIT);
      // Loaded: neither still loading nor marked missing.
      await expect.poll(() => locator.textContent(), WAIT).not.toMatch(/Loading /);
      expect(
        await locator.locator('[data-unavailable="missing"]').count(),
        `${card} says missing but ${endpoint} exists`,
      ).toBe(0);
    }
    // wrangler.toml binds the event hub, so the page holds the WebSocket rather than polling.
    await expect.poll(() => page.locator('[data-live-mode]').getAttribute('data-live-mode'), WAIT).toBe('live');
    // A layer that is not set up says why, without a meaningless "0 ms".
    for (const row of await page.locator('[data-card="layers"] [data-layer]').all()) {
      const text = (await row.textContent()) ?? '';
      if (text.startsWith('unconfigured')) expect(text).not.toMatch(/\d+ ms/);
    }
    await screenshot(page, 'dashboard-laptop');

    const phone = await signedInPage({ width: 390, height: 844 });
    await phone.locator('[data-card="context"]').waitFor(WAIT);
    // Nothing overflows sideways on a phone.
    const overflow = await phone.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(phone, 'dashboard-phone');
    await phone.close();
    await page.close();
  });

  it('lays out the search card and the grid on phones (360-430 px) and a laptop (1440 px) with long cards', async () => {
    // A long card: the GPT's query log filled with fifteen queries with long parameters.
    for (let n = 0; n < 15; n++)
      await as('gpt', 'GET', `/ai/audit?limit=5&action=${'context.update.with.a.long.filter.'.repeat(2)}${n}*`);
    for (const width of [360, 390, 430]) {
      const phone = await signedInPage({ width, height: 844 });
      const input = phone.locator('[data-card="search"] input[type="search"]');
      await input.waitFor(WAIT);
      const box = (await input.boundingBox())!;
      expect(box.width, `the search input at ${width} px`).toBeGreaterThanOrEqual(200);
      const select = (await phone.locator('[data-card="search"] select').boundingBox())!;
      // The repository selector sits below the input, not squeezed beside it.
      expect(select.y, `the selector at ${width} px`).toBeGreaterThan(box.y + box.height - 1);
      const overflow = await phone.evaluate<number>(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      );
      expect(overflow, `sideways overflow at ${width} px`).toBeLessThanOrEqual(0);
      if (width === 390) {
        await expect.poll(() => phone.locator('[data-card="queries"] li').count(), WAIT).toBeGreaterThanOrEqual(15);
        await screenshot(phone, 'layout-phone-390');
      }
      await phone.close();
    }

    const laptop = await signedInPage({ width: 1440, height: 900 });
    const queries = laptop.locator('[data-card="queries"]');
    await expect.poll(() => queries.locator('li').count(), WAIT).toBeGreaterThanOrEqual(15);
    const input = (await laptop.locator('[data-card="search"] input[type="search"]').boundingBox())!;
    expect(input.width).toBeGreaterThanOrEqual(300);
    // No card stretches to a long neighbour: each is as tall as its own content, and a long one scrolls inside.
    const cards = await laptop.evaluate<{ card: string; height: number; natural: number }[]>(`
      [...document.querySelectorAll('[data-card]')].map((node) => ({
        card: node.getAttribute('data-card'),
        height: node.getBoundingClientRect().height,
        natural: node.firstElementChild.offsetHeight + Math.min(node.lastElementChild.scrollHeight, node.lastElementChild.clientHeight) + 2,
      }))
    `);
    for (const card of cards) expect(card.height, `${card.card} card height`).toBeLessThanOrEqual(card.natural + 1);
    expect(Math.max(...cards.map((card) => card.height))).toBeLessThanOrEqual(36 * 16 + 120);
    await screenshot(laptop, 'layout-laptop-1440');
    await laptop.close();
  });

  it('shows a context change made through the API, the GPT reading it, and the audit entry, without a reload', async () => {
    const page = await signedInPage();
    await page.evaluate('window.__sameDocument = true');
    const branch = `feature/e2e-${crypto.randomUUID().slice(0, 8)}`;
    const task = `Check the dashboard ${crypto.randomUUID().slice(0, 6)}`;

    const put = await as('cursor', 'PUT', '/ai/context', { branch, currentTask: task, activeUser: 'alice' });
    expect(put.status, put.text).toBe(200);
    const read = await as('gpt', 'GET', '/ai/context');
    expect(read.status, read.text).toBe(200);

    const context = page.locator('[data-card="context"]');
    await context.locator('[data-field="branch"]', { hasText: branch }).waitFor(WAIT);
    await context.getByText(task).waitFor(WAIT);
    // Times read as relative ("just now") with the exact value on hover.
    const time = context.locator('time').first();
    expect(await time.textContent()).toMatch(/just now|s ago|in /);
    expect(await time.getAttribute('title')).toMatch(/\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
    await page.locator('[data-card="queries"]').getByText('GET /ai/context').first().waitFor(WAIT);
    const audit = page.locator('[data-card="audit"]');
    await audit.locator('[data-audit-action="context.replace"]', { hasText: 'cursor' }).first().waitFor(WAIT);
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    await screenshot(page, 'context-change-live');

    // Filtering the timeline by client narrows it; the filter is keyboard reachable.
    await page.getByLabel('Client').selectOption('gpt');
    // The gpt only read; nothing it did is audited on this fresh service.
    await audit.getByText('No entries match these filters').waitFor(WAIT);
    expect(await audit.locator('[data-audit-action="context.replace"]').count()).toBe(0);
    await page.getByLabel('Client').selectOption('');
    await audit.locator('[data-audit-action="context.replace"]').first().waitFor(WAIT);
    await page.close();
  });

  it('shows a Cursor session synced through the API: who, branch, file and diff size', async () => {
    const page = await signedInPage();
    const file = `src/e2e-${crypto.randomUUID().slice(0, 6)}.ts`;
    const synced = await as('cursor', 'POST', '/ai/cursor/session', {
      workspace: 'shop',
      branch: 'feature/cart',
      file,
      diff: '+added one\n+added two\n-removed\n',
      timestamp: new Date().toISOString(),
    });
    expect(synced.status, synced.text).toBeLessThan(300);
    const card = page.locator('[data-card="cursor"]');
    await card.getByText(file).waitFor(WAIT);
    expect(await card.textContent()).toMatch(/feature\/cart.*\+2.*−1/s);
    await screenshot(page, 'cursor-session');
    await page.close();
  });

  it('shows a banner when the service stops answering, and recovers without a reload', async () => {
    const page = await signedInPage();
    await page
      .locator('[data-card="context"]')
      .getByText(/live context|Branch/)
      .first()
      .waitFor(WAIT);
    await page.route('**/ai/**', (route) => route.abort('connectionrefused'));
    // Changing a filter makes the page ask now, rather than at its next poll (30 s when the event stream is live).
    await page.getByLabel('Client').selectOption('human');
    await page.getByText('The service is not answering').waitFor(WAIT);
    // Cards keep what they last showed.
    expect(await page.locator('[data-card="context"] [data-unavailable]').count()).toBe(0);
    await screenshot(page, 'service-down', false);
    await page.unroute('**/ai/**');
    await page.getByText('The service is not answering').waitFor({ state: 'detached', ...WAIT });
    await page.getByLabel('Client').selectOption('');
    await page.close();
  });

  it('reconnects the event stream after it drops and catches up without a reload', async () => {
    const page = await browser.newPage();
    // Sit between the page and the hub so the test can drop the connection as a network failure would.
    const sockets: { close(): Promise<void> }[] = [];
    await page.routeWebSocket('**/ai/events**', (ws) => {
      ws.connectToServer();
      sockets.push(ws);
    });
    await page.goto(service.url);
    await page.getByLabel('API key').fill(key('human'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('[data-live-mode]').getAttribute('data-live-mode'), WAIT).toBe('live');
    await page.evaluate('window.__sameDocument = true');

    const opened = sockets.length;
    await sockets.at(-1)!.close();
    await expect.poll(() => sockets.length, WAIT).toBeGreaterThan(opened);
    await expect.poll(() => page.locator('[data-live-mode]').getAttribute('data-live-mode'), WAIT).toBe('live');

    const branch = `feature/reconnect-${crypto.randomUUID().slice(0, 8)}`;
    expect((await as('cursor', 'PATCH', '/ai/context', { branch })).status).toBe(200);
    await page.locator('[data-card="context"] [data-field="branch"]', { hasText: branch }).waitFor(WAIT);
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    await page.close();
  });

  it('keeps every button reachable from the keyboard', async () => {
    const page = await signedInPage();
    const reached = new Set<string>();
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate<string>(`(() => {
        const el = document.activeElement;
        return el ? el.tagName + ':' + ((el.textContent || '').trim() || el.getAttribute('id') || '') : '';
      })()`);
      reached.add(focused);
    }
    expect([...reached]).toContain('BUTTON:Sign out');
    expect([...reached]).toContain('SELECT:every clientgptcursorhumancron');
    await page.close();
  });

  it('approves an intent the GPT proposed by clicking, and the audit timeline shows it', async () => {
    const proposed = await as('gpt', 'POST', '/ai/intents', {
      kind: 'purge-cache',
      target: 'staging',
      reason: `e2e ${crypto.randomUUID().slice(0, 8)}`,
    });
    expect(proposed.status, proposed.text).toBeLessThan(300);
    const id: string = proposed.body.intent.id;
    const page = await signedInPage();
    const item = page.locator(`[data-intent="${id}"]`);
    await item.waitFor(WAIT);
    await item.getByText('Policy').waitFor(WAIT);
    await screenshot(page, 'intent-pending');
    await item.getByRole('button', { name: 'Approve' }).click();
    await page.locator('[data-intent-notice]', { hasText: /^Approved: purge-cache staging/ }).waitFor(WAIT);
    await item.waitFor({ state: 'detached', ...WAIT });
    await expect
      .poll(async () => (await as('human', 'GET', `/ai/intents/${id}`)).body?.intent?.state, WAIT)
      .toBe('approved');
    await page
      .locator('[data-card="audit"]')
      .locator('[data-audit-action^="intent."]', { hasText: 'human:' })
      .first()
      .waitFor(WAIT);
    await screenshot(page, 'intent-approved');
    await page.close();
  });

  it("shows the policy's refusal when a human approves their own proposal, and rejects by click with a reason", async () => {
    const own = await as('human', 'POST', '/ai/intents', {
      kind: 'restart',
      target: 'staging',
      reason: 'own proposal',
    });
    expect(own.status, own.text).toBeLessThan(300);
    const gpts = await as('gpt', 'POST', '/ai/intents', {
      kind: 'purge-cache',
      target: 'production',
      reason: 'gpt proposal',
    });
    expect(gpts.status, gpts.text).toBeLessThan(300);

    const page = await signedInPage();
    const ownItem = page.locator(`[data-intent="${own.body.intent.id}"]`);
    await ownItem.getByRole('button', { name: 'Approve' }).click();
    await ownItem.getByRole('alert').waitFor(WAIT);
    expect(await ownItem.getByRole('alert').textContent()).toMatch(/policy|propos/i);
    await screenshot(page, 'intent-refused');

    const gptItem = page.locator(`[data-intent="${gpts.body.intent.id}"]`);
    await gptItem.getByLabel('Reason for rejecting').fill('not during business hours');
    await gptItem.getByRole('button', { name: 'Reject' }).click();
    await page.locator('[data-intent-notice]', { hasText: /^Rejected:/ }).waitFor(WAIT);
    await expect
      .poll(async () => (await as('human', 'GET', `/ai/intents/${gpts.body.intent.id}`)).body?.intent?.state, WAIT)
      .toBe('rejected');
    await page.locator('[data-card="audit"]').locator('[data-audit-action^="intent.rej"]').first().waitFor(WAIT);
    await page.close();
  });

  it('signs in through Cloudflare Access without a key, and approvals name the email', async () => {
    const signed = await fetch(`${access.url}/e2e/_sign`, {
      method: 'POST',
      body: JSON.stringify({ email: 'ana@example.com', aud: accessAud }),
    });
    const { token } = (await signed.json()) as { token: string };
    const proposed = await as('gpt', 'POST', '/ai/intents', {
      kind: 'purge-cache',
      target: 'staging',
      reason: `access ${crypto.randomUUID().slice(0, 8)}`,
    });
    expect(proposed.status, proposed.text).toBeLessThan(300);
    const id: string = proposed.body.intent.id;
    // Access sets this cookie on the browser; the page sends no key at all.
    await browser.context.addCookies([{ name: 'CF_Authorization', value: token, url: service.url }]);
    try {
      const page = await browser.newPage();
      await page.goto(service.url);
      await page.locator('[data-card="audit"]').waitFor(WAIT);
      expect(await page.getByLabel('API key').count()).toBe(0);
      await page.locator('[data-signed-in="access"]').waitFor(WAIT);
      expect(await page.evaluate('sessionStorage.length')).toBe(0);
      await screenshot(page, 'sign-in-access');
      await page.locator(`[data-intent="${id}"]`).getByRole('button', { name: 'Approve' }).click();
      await page.locator('[data-intent-notice]', { hasText: /^Approved: purge-cache staging/ }).waitFor(WAIT);
      const intent = (await as('human', 'GET', `/ai/intents/${id}`)).body.intent;
      expect(intent.approval.by).toBe('human:ana@example.com');
      await page.close();
    } finally {
      await browser.context.clearCookies();
    }
  });
});
