import { afterEach, describe, expect, it, vi } from 'vitest';
import { appFetch } from '../support/mcp';
import {
  MCP_RESOURCE,
  ORIGIN,
  connect,
  decide,
  oauthMcpClient,
  openConsent,
  pkce,
  postMcpWithToken,
  registerApp,
  tokenRequest,
} from '../support/oauth';
import { TEST_KEYS } from '../support/keys';

const CHALLENGE = `Bearer resource_metadata="${ORIGIN}/.well-known/oauth-protected-resource/mcp", scope="hezlep:read"`;

afterEach(() => {
  vi.useRealTimers();
});

describe('OAuth discovery', () => {
  it('a 401 from /mcp points at the resource metadata and names the scope; the metadata names this Worker', async () => {
    const refused = await postMcpWithToken(undefined);
    expect(refused.status, refused.body).toBe(401);
    expect(refused.challenge).toBe(CHALLENGE);
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'unauthenticated' });

    const fetcher = appFetch();
    for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
      const metadata = await (await fetcher(`${ORIGIN}${path}`)).json();
      expect(metadata, path).toMatchObject({
        resource: MCP_RESOURCE,
        authorization_servers: [ORIGIN],
        scopes_supported: ['hezlep:read'],
      });
    }
    const server = (await (await fetcher(`${ORIGIN}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      unknown
    >;
    expect(server).toMatchObject({
      issuer: ORIGIN,
      authorization_endpoint: `${ORIGIN}/oauth/authorize`,
      token_endpoint: `${ORIGIN}/oauth/token`,
      registration_endpoint: `${ORIGIN}/oauth/register`,
      revocation_endpoint: `${ORIGIN}/oauth/token`,
      code_challenge_methods_supported: ['S256'],
      client_id_metadata_document_supported: true,
      protected_resources: [MCP_RESOURCE, `${ORIGIN}/ai`],
    });
  });

  it('a key keeps working on /mcp beside OAuth, as x-api-key and as Bearer', async () => {
    for (const headers of [
      { 'x-api-key': TEST_KEYS.cursor },
      { authorization: `Bearer ${TEST_KEYS.cursor}` },
    ] as Record<string, string>[]) {
      const response = await appFetch()(`${ORIGIN}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      expect(response.status, await response.clone().text()).toBe(200);
    }
  });
});

describe('an OAuth connection', () => {
  it('registers, consents, exchanges the code (PKCE), lists and calls tools, and refreshes with rotation', async () => {
    const { fetcher, app, tokens } = await connect({ role: 'cursor' });
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 600, scope: 'hezlep:read hezlep:write' });
    const client = await oauthMcpClient(tokens.access_token);
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['getContext', 'syncCursorSession', 'approveIntent']));
    const context = await client.callTool({ name: 'getContext', arguments: {} });
    expect(context.isError, JSON.stringify(context)).toBeFalsy();
    await client.close();

    const refreshed = await tokenRequest(fetcher, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token!,
      client_id: app.clientId,
    });
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    expect(refreshed.body.access_token).not.toBe(tokens.access_token);
    expect(refreshed.body.refresh_token).not.toBe(tokens.refresh_token);
    expect((await postMcpWithToken(refreshed.body.access_token)).status).toBe(200);
    // Once the new refresh token is used, the old one is gone (rotation).
    const again = await tokenRequest(fetcher, {
      grant_type: 'refresh_token',
      refresh_token: refreshed.body.refresh_token!,
      client_id: app.clientId,
    });
    expect(again.status).toBe(200);
    const stale = await tokenRequest(fetcher, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token!,
      client_id: app.clientId,
    });
    expect(stale.status).toBe(400);
    expect(stale.body.error).toBe('invalid_grant');
  });

  it('a revoked token is refused with the challenge (RFC 7009 revocation)', async () => {
    const { fetcher, app, tokens } = await connect();
    expect((await postMcpWithToken(tokens.access_token)).status).toBe(200);
    const revoked = await fetcher(`${ORIGIN}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.access_token, client_id: app.clientId }),
    });
    expect(revoked.status).toBe(200);
    const refused = await postMcpWithToken(tokens.access_token);
    expect(refused.status).toBe(401);
    expect(refused.challenge).toBe(`${CHALLENGE}, error="invalid_token"`);
  });

  it('an expired access token is refused with the challenge', async () => {
    const { tokens } = await connect();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 11 * 60 * 1000);
    const refused = await postMcpWithToken(tokens.access_token);
    expect(refused.status).toBe(401);
    expect(refused.challenge).toBe(`${CHALLENGE}, error="invalid_token"`);
  });

  it('a code works once: a replayed code is refused', async () => {
    const { fetcher, exchange } = await connect();
    const replayed = await tokenRequest(fetcher, exchange);
    expect(replayed.status).toBe(400);
    expect(replayed.body.error).toBe('invalid_grant');
  });

  it('a code without its PKCE verifier (or with another) is refused, and so is a request without a challenge', async () => {
    const fetcher = appFetch();
    const app = await registerApp(fetcher);
    const { challenge } = await pkce();
    const consent = await openConsent(fetcher, app, {
      code_challenge: challenge,
      code_challenge_method: 'S256',
      resource: MCP_RESOURCE,
    });
    const decided = await decide(fetcher, consent, {
      decision: 'approve',
      key: TEST_KEYS.human,
      role: 'gpt',
      scope: 'hezlep:read',
    });
    const code = new URL(decided.headers.get('location')!).searchParams.get('code')!;
    const base = { grant_type: 'authorization_code', code, redirect_uri: app.redirectUri, client_id: app.clientId };
    const missing = await tokenRequest(fetcher, base);
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatch(/invalid_(grant|request)/);
    const wrong = await tokenRequest(fetcher, { ...base, code_verifier: (await pkce()).verifier });
    expect(wrong.status).toBe(400);

    const plain = await openConsent(fetcher, app, { code_challenge: challenge, code_challenge_method: 'plain' });
    expect(plain.handle).toBeUndefined();
    const none = await openConsent(fetcher, app, {});
    expect(none.handle).toBeUndefined();
  });

  it('a redirect URI the client did not register is shown an error here, never redirected to', async () => {
    const fetcher = appFetch();
    const app = await registerApp(fetcher);
    const { challenge } = await pkce();
    const foreign = await openConsent(
      fetcher,
      { ...app, redirectUri: 'https://attacker.example/callback' },
      { code_challenge: challenge, code_challenge_method: 'S256' },
    );
    expect(foreign.response.status).toBe(400);
    expect(foreign.response.headers.get('location')).toBeNull();
    expect(foreign.handle).toBeUndefined();
    // A near miss is as foreign as any other URI: matching is exact.
    const nearMiss = await openConsent(
      fetcher,
      { ...app, redirectUri: `${app.redirectUri}/` },
      { code_challenge: challenge, code_challenge_method: 'S256' },
    );
    expect(nearMiss.response.status).toBe(400);
  });

  it('a token issued for another resource or another origin is refused at /mcp', async () => {
    const { tokens } = await connect({ resource: `${ORIGIN}/ai` });
    const refused = await postMcpWithToken(tokens.access_token);
    expect(refused.status).toBe(401);
    expect(refused.challenge).toContain('error="invalid_token"');

    const mcp = await connect();
    const elsewhere = await postMcpWithToken(mcp.tokens.access_token, undefined, 'https://other.hezlep.test');
    expect(elsewhere.status).toBe(401);
  });

  it('the REST API takes an API key as Bearer too (a GPT Action whose API-key auth type is Bearer)', async () => {
    const fetcher = appFetch();
    const ok = await fetcher(`${ORIGIN}/ai/context`, { headers: { authorization: `Bearer ${TEST_KEYS.gpt}` } });
    expect(ok.status, await ok.clone().text()).toBe(200);
    // The key decides who calls, as with x-api-key: a claimed client that differs is refused.
    const claimed = await fetcher(`${ORIGIN}/ai/context`, {
      headers: { authorization: `Bearer ${TEST_KEYS.gpt}`, 'x-client-id': 'human' },
    });
    expect(claimed.status).toBe(403);
    expect(((await claimed.json()) as { code: string }).code).toBe('client_mismatch');
    // A gpt key sent as Bearer is still the gpt client: a human-only route refuses it and takes the human key.
    const gpt = await fetcher(`${ORIGIN}/ai/queries`, { headers: { authorization: `Bearer ${TEST_KEYS.gpt}` } });
    expect(gpt.status).toBe(403);
    expect(((await gpt.json()) as { code: string }).code).toBe('client_not_allowed');
    const human = await fetcher(`${ORIGIN}/ai/queries`, { headers: { authorization: `Bearer ${TEST_KEYS.human}` } });
    expect(human.status, await human.clone().text()).toBe(200);
    const unknown = await fetcher(`${ORIGIN}/ai/context`, { headers: { authorization: 'Bearer hz_not_a_key' } });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('www-authenticate')).toContain('oauth-protected-resource/ai');
  });

  it('the REST API takes a token issued for it (a GPT Action with OAuth), and refuses the /mcp one', async () => {
    const api = await connect({ resource: `${ORIGIN}/ai` });
    const fetcher = appFetch();
    const ok = await fetcher(`${ORIGIN}/ai/context`, {
      headers: { authorization: `Bearer ${api.tokens.access_token}` },
    });
    expect(ok.status, await ok.clone().text()).toBe(200);
    const mcp = await connect();
    const refused = await fetcher(`${ORIGIN}/ai/context`, {
      headers: { authorization: `Bearer ${mcp.tokens.access_token}` },
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('oauth-protected-resource/ai');
  });

  it('the consent page needs a personal human key, and Deny sends access_denied back to the app', async () => {
    const fetcher = appFetch();
    const app = await registerApp(fetcher, '<script>alert(1)</script>');
    const { challenge } = await pkce();
    const params = { code_challenge: challenge, code_challenge_method: 'S256', resource: MCP_RESOURCE };
    const consent = await openConsent(fetcher, app, params);
    expect(consent.response.status).toBe(200);
    expect(consent.html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(consent.html).not.toContain('<script>alert(1)');
    expect(consent.html).toContain(new URL(app.redirectUri).host);
    expect(consent.response.headers.get('x-frame-options')).toBe('DENY');

    for (const key of [TEST_KEYS.gpt, 'not-a-real-key-000000000000']) {
      const refused = await decide(fetcher, consent, { decision: 'approve', key, role: 'human', scope: 'hezlep:read' });
      expect(refused.status).toBe(401);
    }
    const denied = await decide(fetcher, consent, { decision: 'deny' });
    expect(denied.status).toBe(302);
    const location = new URL(denied.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(app.redirectUri);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('iss')).toBe(ORIGIN);
  });
});

describe('a client identified by its metadata document (CIMD)', () => {
  const DOCUMENT_URL = 'https://app.example/oauth/client.json';
  const REDIRECT = 'https://app.example/oauth/callback';

  /**
   * The document must be fetched over https from a public host, which no local stand-in can be: this one test answers
   * that single URL from a spy on fetch, and every other request goes out as usual.
   */
  function serveDocument(document: Record<string, unknown>) {
    const real = globalThis.fetch;
    return vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url !== DOCUMENT_URL) return real(input, init);
      return Promise.resolve(
        new Response(JSON.stringify(document), {
          headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
        }),
      );
    });
  }

  it('is named by its document on the consent page and completes the flow without registering', async () => {
    const spy = serveDocument({
      client_id: DOCUMENT_URL,
      client_name: 'Metadata App',
      redirect_uris: [REDIRECT],
      token_endpoint_auth_method: 'none',
    });
    try {
      const { tokens } = await connect({ app: { clientId: DOCUMENT_URL, redirectUri: REDIRECT }, role: 'cursor' });
      expect((await postMcpWithToken(tokens.access_token)).status).toBe(200);
      const consent = await openConsent(
        appFetch(),
        { clientId: DOCUMENT_URL, redirectUri: REDIRECT },
        { code_challenge: (await pkce()).challenge, code_challenge_method: 'S256', resource: MCP_RESOURCE },
      );
      expect(consent.html).toContain('Published by <strong>app.example</strong>');
      expect(consent.html).toContain(`<dt>Metadata URL</dt><dd>${DOCUMENT_URL}</dd>`);
    } finally {
      spy.mockRestore();
    }
  });

  it('a document that names another client id, or another redirect URI, is refused on the page', async () => {
    const spy = serveDocument({
      client_id: 'https://elsewhere.example/c.json',
      client_name: 'X',
      redirect_uris: [REDIRECT],
    });
    try {
      const { challenge } = await pkce();
      const consent = await openConsent(
        appFetch(),
        { clientId: DOCUMENT_URL, redirectUri: REDIRECT },
        { code_challenge: challenge, code_challenge_method: 'S256' },
      );
      expect(consent.response.status).toBe(400);
      expect(consent.response.headers.get('location')).toBeNull();
    } finally {
      spy.mockRestore();
    }
  });
});
