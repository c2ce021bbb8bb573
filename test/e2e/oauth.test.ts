import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError, auth, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalService, type LocalService } from '../../src/local/service';
import { freePort } from '../support/ports';
import { CHROMIUM, HAVE_CHROMIUM, launchBrowser, screenshot, callAs, signedInPage, type Browser } from './browser';

if (!HAVE_CHROMIUM)
  console.warn(`[e2e] SKIPPING the OAuth browser test: ${CHROMIUM} is not installed (apt-get install chromium).`);

/** The redirect target an MCP client listens on: it hands over the first `code` (or `error`) the browser brings. */
async function startCallback(): Promise<{ url: string; code: Promise<string>; close(): Promise<void> }> {
  const port = await freePort();
  let deliver!: (code: string) => void;
  let fail!: (error: Error) => void;
  const code = new Promise<string>((resolve, reject) => {
    deliver = resolve;
    fail = reject;
  });
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    response.writeHead(200, { 'content-type': 'text/html' }).end('<p>You can close this window.</p>');
    const got = url.searchParams.get('code');
    if (got) deliver(got);
    else fail(new Error(`the authorization answered ${url.search}`));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}/callback`,
    code,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Chromium keeps (or preconnects) sockets to the callback origin; close() alone waits for such a
        // socket until Node's 60 s headers timeout, past the test's own timeout (a CI run hung here).
        server.closeAllConnections();
      }),
  };
}

/** What an MCP client keeps between runs, in memory: its registration, the PKCE verifier, its tokens. */
class MemoryOAuthProvider implements OAuthClientProvider {
  client?: OAuthClientInformationMixed;
  saved?: OAuthTokens;
  verifier = '';
  authorizationUrl?: URL;
  constructor(private readonly callbackUrl: string) {}
  get redirectUrl() {
    return this.callbackUrl;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'SDK e2e client',
      redirect_uris: [this.callbackUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.client = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
}

describe.skipIf(!HAVE_CHROMIUM)('an MCP client connects over OAuth from nothing', () => {
  let service: LocalService;
  let browser: Browser;
  let stateDir: string;

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'hezlep-e2e-oauth-'));
    chmodSync(stateDir, 0o755);
    service = await startLocalService({
      port: await freePort(),
      stateDir,
      log: (line) => process.env.HEZLEP_TEST_VERBOSE && console.log(line),
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('discovers from the 401, registers, signs a person in through the consent page, calls a tool and refreshes', async () => {
    const callback = await startCallback();
    const provider = new MemoryOAuthProvider(callback.url);
    const mcpUrl = new URL(`${service.url}/mcp`);
    try {
      // 1. No credentials: the 401 leads the SDK to the metadata, dynamic registration and a PKCE authorization URL.
      const first = new Client({ name: 'e2e', version: '1.0.0' });
      const refused = await first
        .connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }))
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(UnauthorizedError);
      const authorizationUrl = provider.authorizationUrl!;
      expect(authorizationUrl.pathname).toBe('/oauth/authorize');
      expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authorizationUrl.searchParams.get('resource')).toBe(mcpUrl.href);
      expect(provider.client?.client_id).toBeTruthy();

      // 2. A person signs in with the dev human key, picks the role and allows.
      const page = await browser.newPage();
      await page.goto(authorizationUrl.href);
      await page.getByRole('heading', { name: /Connect SDK e2e client to Hezlep Ops/ }).waitFor();
      expect(await page.textContent('main')).toContain('127.0.0.1');
      await page.locator('#key').fill(service.keys.find((k) => k.client === 'human')!.key);
      await page.locator('input[name=role][value=cursor]').check();
      await screenshot(page, 'oauth-consent');
      await page.getByRole('button', { name: 'Allow' }).click();
      const code = await callback.code;
      await page.close();

      // 3. The client exchanges the code (with its verifier) and connects.
      const transport = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
      await transport.finishAuth(code);
      expect(provider.saved?.refresh_token).toBeTruthy();
      const client = new Client({ name: 'e2e', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
      const names = (await client.listTools()).tools.map((tool) => tool.name);
      expect(names).toEqual(expect.arrayContaining(['getContext', 'syncCursorSession', 'proposeIntent']));
      const context = await client.callTool({ name: 'getContext', arguments: {} });
      expect(context.isError, JSON.stringify(context)).toBeFalsy();

      // 4. A refresh rotates both tokens; the new access token works.
      const before = provider.saved!;
      expect(await auth(provider, { serverUrl: mcpUrl })).toBe('AUTHORIZED');
      expect(provider.saved!.access_token).not.toBe(before.access_token);
      expect(provider.saved!.refresh_token).not.toBe(before.refresh_token);
      const again = new Client({ name: 'e2e', version: '1.0.0' });
      await again.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
      expect((await again.callTool({ name: 'getContext', arguments: {} })).isError).toBeFalsy();
      await again.close();
      await client.close();

      // The connection is listed for a human, with the person and the role chosen on the page.
      const listed = await callAs(service, 'human', 'GET', '/ai/connections');
      expect(listed.status, listed.text).toBe(200);
      expect(listed.body.connections).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            clientName: 'SDK e2e client',
            role: 'cursor',
            person: 'dev',
            scopes: ['hezlep:read'],
          }),
        ]),
      );

      // A human revokes it on the dashboard; the app's next request is refused with the challenge.
      const dashboard = await signedInPage(browser, service);
      const card = dashboard.locator('[data-card="connections"]');
      const item = card.locator('li', { hasText: 'SDK e2e client' });
      await item.waitFor({ timeout: 20_000 });
      await screenshot(dashboard, 'oauth-connections-card');
      await item.getByRole('button', { name: 'Revoke' }).click();
      await card
        .getByRole('status')
        .filter({ hasText: /Revoked dev's SDK e2e client connection/ })
        .waitFor();
      await dashboard.close();
      const after = await fetch(mcpUrl, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${provider.saved!.access_token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      expect(after.status).toBe(401);
      expect(after.headers.get('www-authenticate')).toContain('error="invalid_token"');
      const audit = await callAs(service, 'human', 'GET', '/ai/audit?action=connection.revoked');
      expect(audit.body.entries[0]).toMatchObject({ actor: { client: 'human', person: 'dev' } });
    } finally {
      await callback.close();
    }
  });
});
