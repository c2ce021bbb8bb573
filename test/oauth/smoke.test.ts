import { describe, expect, it } from 'vitest';
import { appFetch } from '../support/mcp';
import { connect, ORIGIN } from '../support/oauth';

describe('smoke', () => {
  it('metadata and a flow', async () => {
    const f = appFetch();
    const as = await f(`${ORIGIN}/.well-known/oauth-authorization-server`);
    console.log(as.status, await as.text());
    const pr = await f(`${ORIGIN}/.well-known/oauth-protected-resource/mcp`);
    console.log(pr.status, await pr.text());
    const c401 = await f(`${ORIGIN}/mcp`, { method: 'POST', body: '{}' });
    console.log(c401.status, c401.headers.get('www-authenticate'), await c401.text());
    const { tokens } = await connect();
    console.log(tokens);
    expect(tokens.access_token).toBeTruthy();
  });
});
