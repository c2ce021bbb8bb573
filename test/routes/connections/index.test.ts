import { describe, expect, it } from 'vitest';
import { call, expectProblem } from '../../support/http';
import { appFetch } from '../../support/mcp';
import { ORIGIN, connect, postMcpWithToken } from '../../support/oauth';
import { TEST_KEYS } from '../../support/keys';
import { scenario } from '../../intents/helpers';
import type { ListConnectionsResponse } from '../../../src/routes/connections/list-connections';

// What a connection may do once granted (roles, four eyes): test/oauth/connections.test.ts.
describe('GET /ai/connections and DELETE /ai/connections/{id}', () => {
  /** OAuth answers only on https (or loopback http): these calls use the tests' https origin. */
  const api = async (method: string, path: string, key: string, env: Record<string, unknown>) => {
    const response = await appFetch({ env })(`${ORIGIN}${path}`, { method, headers: { 'x-api-key': key } });
    return { status: response.status, body: (await response.json()) as any };
  };

  it('a human lists connections and revokes one; the revocation is audited and the next request is refused', async () => {
    const s = scenario();
    const { tokens } = await connect({ role: 'gpt', env: s.env });
    expect((await postMcpWithToken(tokens.access_token, s.env)).status).toBe(200);
    const list = await api('GET', '/ai/connections', TEST_KEYS.human, s.env);
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    const id = tokens.access_token.split(':')[1]!;
    const mine = (list.body as ListConnectionsResponse).connections.find((c) => c.id === id);
    expect(mine).toMatchObject({
      person: 'alice',
      role: 'gpt',
      clientName: 'Test app',
      scopes: ['hezlep:read', 'hezlep:write'],
    });

    const revoked = await api('DELETE', `/ai/connections/${id}`, TEST_KEYS.humanBob, s.env);
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    expect(revoked.body.revoked).toMatchObject({ id, person: 'alice' });
    const refused = await postMcpWithToken(tokens.access_token, s.env);
    expect(refused.status).toBe(401);
    expect(refused.challenge).toContain('error="invalid_token"');
    expect(await api('DELETE', `/ai/connections/${id}`, TEST_KEYS.human, s.env)).toMatchObject({
      status: 404,
      body: { code: 'not_found' },
    });

    const audit = await call('GET', `/ai/audit?target=${encodeURIComponent(`connection:${id}`)}`, {
      as: 'human',
      env: s.env,
    });
    expect(audit.body.entries).toEqual([
      expect.objectContaining({ action: 'connection.revoked', actor: expect.objectContaining({ person: 'bob' }) }),
    ]);
    const approvals = await call('GET', '/ai/audit?action=connection.approved&limit=50', { as: 'human', env: s.env });
    expect(approvals.body.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor: expect.objectContaining({ client: 'human', person: 'alice' }) }),
      ]),
    );
  });

  it('only humans may list or revoke connections', async () => {
    for (const client of ['gpt', 'cursor', 'cron'] as const) {
      expectProblem(await call('GET', '/ai/connections', { as: client }), 403, 'client_not_allowed');
      expectProblem(await call('DELETE', '/ai/connections/abc', { as: client }), 403, 'client_not_allowed');
    }
  });
});
