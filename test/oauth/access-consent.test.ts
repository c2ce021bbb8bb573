import { describe, expect, inject, it } from 'vitest';
import { appFetch } from '../support/mcp';
import { MCP_RESOURCE, ORIGIN, decide, openConsent, pkce, registerApp, tokenRequest } from '../support/oauth';
import { TEST_KEYS } from '../support/keys';

const accessUrl = inject('accessUrl');

describe('the consent page behind Cloudflare Access', () => {
  it('names the person Access signed in (no key asked) and grants for that email', async () => {
    const team = `team-${crypto.randomUUID().slice(0, 8)}`;
    const aud = crypto.randomUUID().replaceAll('-', '');
    const env = { ACCESS_TEAM_DOMAIN: `${accessUrl}/${team}`, ACCESS_AUD: aud };
    const signed = await fetch(`${accessUrl}/${team}/_sign`, {
      method: 'POST',
      body: JSON.stringify({ email: 'Ana@Example.com', aud }),
    });
    const { token } = (await signed.json()) as { token: string };
    const plain = appFetch({ env });
    const viaAccess = ((input: RequestInfo | URL, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      headers.set('cf-access-jwt-assertion', token);
      return plain(input, { ...init, headers });
    }) as typeof fetch;

    const app = await registerApp(plain, 'Access app');
    const { verifier, challenge } = await pkce();
    const consent = await openConsent(viaAccess, app, {
      code_challenge: challenge,
      code_challenge_method: 'S256',
      resource: MCP_RESOURCE,
    });
    expect(consent.html).toContain('Signed in as <strong>ana@example.com</strong>');
    expect(consent.html).not.toContain('name="key"');
    const decided = await decide(viaAccess, consent, { decision: 'approve', role: 'human', scope: 'hezlep:read' });
    expect(decided.status, await decided.clone().text()).toBe(302);
    const code = new URL(decided.headers.get('location')!).searchParams.get('code')!;
    const tokens = await tokenRequest(plain, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: app.redirectUri,
      client_id: app.clientId,
      code_verifier: verifier,
    });
    expect(tokens.status).toBe(200);
    const listed = await plain(`${ORIGIN}/ai/connections`, { headers: { 'x-api-key': TEST_KEYS.human } });
    const { connections } = (await listed.json()) as { connections: { id: string; person: string; role: string }[] };
    expect(connections.find((c) => c.id === tokens.body.access_token.split(':')[1])).toMatchObject({
      person: 'ana@example.com',
      role: 'human',
    });
  });
});
