import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { App } from '../../src/app';
import { appFetch } from './mcp';
import { TEST_KEYS } from './keys';

/** OAuth runs only over https (or http on loopback): these tests use an https origin. */
export const ORIGIN = 'https://hezlep.test';
export const MCP_RESOURCE = `${ORIGIN}/mcp`;

export interface OAuthApp {
  clientId: string;
  redirectUri: string;
}

export interface ConnectOptions {
  role?: 'gpt' | 'cursor' | 'human';
  scopes?: string[];
  resource?: string;
  /** The human key that signs in (alice's by default). */
  key?: string;
  app?: OAuthApp;
  env?: Record<string, unknown>;
}

export interface Tokens {
  access_token: string;
  refresh_token?: string;
  expires_in: number;
  scope: string;
  token_type: string;
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

export async function pkce(): Promise<{ verifier: string; challenge: string }> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  return { verifier, challenge: base64url(digest) };
}

/** Dynamic registration of a public client, as an MCP client does it. */
export async function registerApp(fetcher: typeof fetch, name = 'Test app'): Promise<OAuthApp> {
  const redirectUri = `https://app-${crypto.randomUUID().slice(0, 8)}.example/callback`;
  const response = await fetcher(`${ORIGIN}/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: name,
      redirect_uris: [redirectUri],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    }),
  });
  const body = (await response.json()) as { client_id: string };
  if (response.status !== 201) throw new Error(`registration failed: ${response.status} ${JSON.stringify(body)}`);
  return { clientId: body.client_id, redirectUri };
}

/** Open the consent page for an authorization request; answers the page's handle and binding cookie. */
export async function openConsent(
  fetcher: typeof fetch,
  app: OAuthApp,
  params: Record<string, string>,
): Promise<{ response: Response; html: string; handle?: string; cookie: string }> {
  const url = new URL(`${ORIGIN}/oauth/authorize`);
  for (const [name, value] of Object.entries({
    response_type: 'code',
    client_id: app.clientId,
    redirect_uri: app.redirectUri,
    state: 'state-1',
    ...params,
  }))
    url.searchParams.set(name, value);
  const response = await fetcher(url, { redirect: 'manual' });
  const html = await response.text();
  const handle = /name="handle" value="([^"]+)"/.exec(html)?.[1];
  const cookie = (response.headers.getSetCookie?.() ?? []).map((line) => line.split(';')[0]).join('; ');
  return { response, html, handle, cookie };
}

/** Post the consent form: approve (with role, scopes and the human key) or deny. */
export async function decide(
  fetcher: typeof fetch,
  consent: { handle?: string; cookie: string },
  form: Record<string, string | string[]>,
): Promise<Response> {
  const body = new URLSearchParams();
  body.set('handle', consent.handle ?? '');
  for (const [name, value] of Object.entries(form))
    for (const item of Array.isArray(value) ? value : [value]) body.append(name, item);
  return fetcher(`${ORIGIN}/oauth/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: consent.cookie },
    body,
  });
}

export async function tokenRequest(fetcher: typeof fetch, form: Record<string, string>) {
  const response = await fetcher(`${ORIGIN}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  return { status: response.status, body: (await response.json()) as Tokens & { error?: string } };
}

/** The whole flow without a browser: register, consent as alice, exchange the code. */
export async function connect(options: ConnectOptions = {}) {
  const fetcher = appFetch({ env: options.env });
  const app = options.app ?? (await registerApp(fetcher));
  const { verifier, challenge } = await pkce();
  const resource = options.resource ?? MCP_RESOURCE;
  const consent = await openConsent(fetcher, app, {
    code_challenge: challenge,
    code_challenge_method: 'S256',
    scope: (options.scopes ?? ['hezlep:read', 'hezlep:write']).join(' '),
    resource,
  });
  if (!consent.handle) throw new Error(`no consent page: ${consent.response.status} ${consent.html.slice(0, 500)}`);
  const decided = await decide(fetcher, consent, {
    decision: 'approve',
    key: options.key ?? TEST_KEYS.human,
    role: options.role ?? 'gpt',
    scope: options.scopes ?? ['hezlep:read', 'hezlep:write'],
  });
  const location = decided.headers.get('location') ?? '';
  const code = new URL(location, ORIGIN).searchParams.get('code');
  if (decided.status !== 302 || !code)
    throw new Error(`no code: ${decided.status} ${location} ${await decided.text()}`);
  const exchange = {
    grant_type: 'authorization_code',
    code,
    redirect_uri: app.redirectUri,
    client_id: app.clientId,
    code_verifier: verifier,
    resource,
  };
  const tokens = await tokenRequest(fetcher, exchange);
  if (tokens.status !== 200) throw new Error(`token exchange failed: ${JSON.stringify(tokens.body)}`);
  return { fetcher, app, tokens: tokens.body, exchange, verifier };
}

/** The official SDK client on /mcp with an OAuth access token (what ChatGPT or Claude holds after consent). */
export async function oauthMcpClient(token: string, env?: Record<string, unknown>, app?: App) {
  const transport = new StreamableHTTPClientTransport(new URL(`${ORIGIN}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
    fetch: appFetch({ env, app }),
  });
  const client = new Client({ name: 'hezlep-oauth-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

/** A raw POST /mcp with a bearer token, for the refusals no SDK client would report in detail. */
export async function postMcpWithToken(token: string | undefined, env?: Record<string, unknown>, origin = ORIGIN) {
  const response = await appFetch({ env })(`${origin}/mcp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  });
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body: await response.text() };
}
