import { describe, expect, inject, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../support/http';
import { scenario } from '../intents/helpers';
import type { SignRequest } from '../../src/local/upstreams/controls';
import { accessCaller, accessVars, teamIssuer } from '../../src/auth/access';
import { REFETCH_MIN_MS } from '../../src/auth/jwks';

const accessUrl = inject('accessUrl');

/** A fresh team on the local key server (its own keys, fetch count and cache entry), and the env that trusts it. */
function team() {
  const name = `team-${crypto.randomUUID().slice(0, 8)}`;
  const aud = crypto.randomUUID().replaceAll('-', '');
  const base = `${accessUrl}/${name}`;
  const control = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}/${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`access stand-in ${path}: ${response.status}`);
    return response.json() as Promise<Record<string, never> & { token: string; certFetches: number }>;
  };
  return {
    aud,
    env: { ACCESS_TEAM_DOMAIN: base, ACCESS_AUD: aud },
    sign: async (request: Partial<SignRequest> = {}): Promise<string> =>
      (await control('POST', '_sign', { email: 'ana@example.com', aud, ...request })).token,
    rotate: () => control('POST', '_rotate'),
    down: () => control('POST', '_down'),
    certFetches: async (): Promise<number> => (await control('GET', '_stats')).certFetches,
  };
}

const asAccess = (token: string) => ({ 'cf-access-jwt-assertion': token });

describe('Cloudflare Access sign-in', () => {
  it('takes a good token (header or cookie) as the human it names, keys fetched once and cached', async () => {
    const t = team();
    const token = await t.sign({ email: 'Ana@Example.com' });
    const byHeader = await call('GET', '/ai/queries?limit=1', { env: t.env, headers: asAccess(token) });
    expectStatus(byHeader, 200);
    const byCookie = await call('GET', '/ai/queries?limit=1', {
      env: t.env,
      headers: { cookie: `theme=dark; CF_Authorization=${token}` },
    });
    expectStatus(byCookie, 200);
    expect(await t.certFetches()).toBe(1);
    // Access names a human: machines keep their keys, and claiming another client is refused.
    const spoofed = await call('GET', '/ai/queries?limit=1', {
      env: t.env,
      headers: { ...asAccess(token), 'x-client-id': 'gpt' },
    });
    expectProblem(spoofed, 403, 'client_mismatch');
    expectStatus(await call('GET', '/ai/queries?limit=1', { env: t.env, as: 'human' }), 200);
  });

  it('refuses an expired token, another audience, another issuer and a key the team does not publish (401)', async () => {
    const t = team();
    const cases: [Partial<SignRequest>, RegExp][] = [
      [{ expiresIn: -120 }, /expired/],
      [{ aud: 'someone-elses-application' }, /audience/],
      [{ iss: 'https://other.cloudflareaccess.com' }, /team domain/],
      [{ signer: 'stranger' }, /key the team does not publish/],
      [{ notBefore: 600 }, /not valid yet/],
      [{ email: undefined }, /names no person/],
    ];
    for (const [request, why] of cases) {
      const result = await call('GET', '/ai/queries?limit=1', { env: t.env, headers: asAccess(await t.sign(request)) });
      expectProblem(result, 401, 'unauthenticated');
      expect(result.body.detail, JSON.stringify(request)).toMatch(why);
    }
    // A stranger's token claiming the team's key id fails on the signature.
    const genuine = await t.sign();
    const kid = JSON.parse(atob(genuine.split('.')[0]!.replaceAll('-', '+').replaceAll('_', '/'))).kid;
    const forged = await call('GET', '/ai/queries?limit=1', {
      env: t.env,
      headers: asAccess(await t.sign({ signer: 'stranger', kid })),
    });
    expectProblem(forged, 401, 'unauthenticated');
    expect(forged.body.detail).toMatch(/signature/);
    for (const junk of [
      'not-a-jwt',
      'a.b.c',
      `${genuine.split('.').slice(0, 2).join('.')}.`,
      `${genuine.split('.').slice(0, 2).join('.')}.A`,
    ]) {
      expectProblem(
        await call('GET', '/ai/queries?limit=1', { env: t.env, headers: asAccess(junk) }),
        401,
        'unauthenticated',
      );
    }
  });

  it('refetches the keys once for an unknown key id, as after a rotation', async () => {
    const t = team();
    expectStatus(await call('GET', '/ai/queries?limit=1', { env: t.env, headers: asAccess(await t.sign()) }), 200);
    await t.rotate();
    expectStatus(await call('GET', '/ai/queries?limit=1', { env: t.env, headers: asAccess(await t.sign()) }), 200);
    expect(await t.certFetches()).toBe(2);
  });

  it('lets made-up key ids refetch at most once per REFETCH_MIN_MS (given clock)', async () => {
    const t = team();
    const rules = accessVars.parse(t.env)!;
    const start = Date.now();
    const at = (ms: number) => ({ fetch, nowMs: start + ms });
    await accessCaller(await t.sign(), rules, at(0));
    const madeUp = await t.sign({ signer: 'stranger', kid: 'made-up' });
    const fetchesAfter = async (ms: number) => {
      await expect(accessCaller(madeUp, rules, at(ms))).rejects.toThrow(/does not publish/);
      return t.certFetches();
    };
    expect([await fetchesAfter(1), await fetchesAfter(2), await fetchesAfter(2 + REFETCH_MIN_MS)]).toEqual([2, 2, 3]);
  });

  it('answers 503 when the key server is down, and says nothing about the token', async () => {
    const t = team();
    const token = await t.sign();
    await t.down();
    const result = await call('GET', '/ai/queries?limit=1', { env: t.env, headers: asAccess(token) });
    expectProblem(result, 503, 'upstream_unavailable');
    expect(result.body.detail).toMatch(/Access signing keys could not be fetched/);
    expect(result.text).not.toContain(accessUrl);
  });

  it('without Access configured, a token is no sign-in; half a configuration is 503 misconfigured', async () => {
    const t = team();
    const token = await t.sign();
    expectProblem(await call('GET', '/ai/queries?limit=1', { headers: asAccess(token) }), 401, 'unauthenticated');
    const half = await call('GET', '/ai/queries?limit=1', {
      env: { ACCESS_TEAM_DOMAIN: t.env.ACCESS_TEAM_DOMAIN },
      headers: asAccess(token),
    });
    expectProblem(half, 503, 'misconfigured');
    expect(half.body.detail).toMatch(/ACCESS_AUD/);
  });

  it('reads the team domain the ways Cloudflare writes it, https only off this machine', () => {
    expect(teamIssuer('myteam')).toBe('https://myteam.cloudflareaccess.com');
    expect(teamIssuer('myteam.cloudflareaccess.com')).toBe('https://myteam.cloudflareaccess.com');
    expect(teamIssuer('https://myteam.cloudflareaccess.com/')).toBe('https://myteam.cloudflareaccess.com');
    expect(() => teamIssuer('http://myteam.cloudflareaccess.com')).toThrow(/https/);
    expect(accessVars.parse({})).toBeUndefined();
  });

  it('checks exp and nbf with a minute of leeway against the given clock', async () => {
    const t = team();
    const rules = accessVars.parse(t.env)!;
    const token = await t.sign({ expiresIn: 30 });
    const at = (offsetSeconds: number) => ({ fetch, nowMs: Date.now() + offsetSeconds * 1000 });
    expect((await accessCaller(token, rules, at(80))).label).toBe('human:ana@example.com');
    await expect(accessCaller(token, rules, at(100))).rejects.toThrow(/expired/);
  });
});

describe('four eyes with Access identities', () => {
  it('records proposer and approver by email, refuses self-approval, and the audit names both', async () => {
    const t = team();
    const s = scenario(t.env);
    const head = await s.createBranch('staging');
    const ana = asAccess(await t.sign({ email: 'ana@example.com' }));
    const ben = asAccess(await t.sign({ email: 'ben@example.com' }));
    const proposed = await call('POST', '/ai/intents', {
      env: s.env,
      headers: ana,
      body: { kind: 'deploy', target: 'staging', reason: 'ship it' },
    });
    expectStatus(proposed, 201);
    const intent = proposed.body.intent;
    expect(intent.proposedBy).toEqual({ client: 'human', person: 'ana@example.com' });

    const self = await call('POST', `/ai/intents/${intent.id}/approve`, { env: s.env, headers: ana, body: {} });
    expectProblem(self, 403, 'policy_denied');
    expect(self.body.rule).toBe('approver-not-proposer');

    const approved = await call('POST', `/ai/intents/${intent.id}/approve`, { env: s.env, headers: ben, body: {} });
    expectStatus(approved, 200);
    expect(approved.body.intent.approval).toMatchObject({ by: 'human:ben@example.com', commit: head });

    const audit = await call('GET', `/ai/audit?target=${encodeURIComponent(`intent:${intent.id}`)}&limit=100`, {
      env: s.env,
      as: 'human',
    });
    expectStatus(audit, 200);
    const entries = (audit.body.entries as { action: string; actor: { person?: string }; summary: string }[]).reverse();
    expect(entries.map((e) => [e.action, e.actor.person])).toEqual([
      ['intent.propose', 'ana@example.com'],
      ['intent.approve.denied', 'ana@example.com'],
      ['intent.approve', 'ben@example.com'],
    ]);
    expect(entries.at(-1)!.summary).toMatch(/human:ben@example.com approved .*proposed by human:ana@example.com/);
  });
});
