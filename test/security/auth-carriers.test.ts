import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Client } from '../../src/auth/keys';
import { appFetch } from '../support/mcp';
import { TEST_KEYS, type TestIdentity } from '../support/keys';

/**
 * A key may travel as `x-api-key` or as `Authorization: Bearer`, beside a claimed `x-client-id`. Whatever
 * an attacker combines (two keys in two carriers, the scheme in any case, padding, a key with a character
 * changed, a claim of another client), the key alone decides the client: `x-api-key` when sent, else the
 * Bearer value; an unknown value is 401, a claim that differs is 403 `client_mismatch`, and the
 * human-only `/ai/queries` answers 200 only to a human key.
 */

const ORIGIN = 'https://hezlep.test';
const CLIENT_OF: Record<TestIdentity, Client> = {
  gpt: 'gpt',
  cursor: 'cursor',
  human: 'human',
  cron: 'cron',
  humanBob: 'human',
  cursorBob: 'cursor',
};
const identity = fc.constantFrom<TestIdentity>('gpt', 'cursor', 'human', 'cron', 'humanBob');

/** A value in a carrier: a known key, or a known key with one character changed, cut or padded (unknown). */
const carried = fc.oneof(
  identity.map((as) => ({ as: as as TestIdentity | null, value: TEST_KEYS[as] })),
  fc
    .tuple(identity, fc.nat(40), fc.constantFrom('x', '', `${TEST_KEYS.human}`, '~'))
    .map(([as, at, swap]) => {
      const key = TEST_KEYS[as];
      const cut = at % key.length;
      return { as: null, value: `${key.slice(0, cut)}${swap}${key.slice(cut + 1)}` };
    })
    .filter(({ value }) => !Object.values(TEST_KEYS).includes(value as never) && /^\S+$/.test(value)),
);

const request = fc.record({
  apiKey: fc.option(carried, { nil: undefined }),
  bearer: fc.option(
    fc.record({
      key: carried,
      scheme: fc.constantFrom('Bearer', 'bearer', 'BEARER', 'BeArEr'),
      gap: fc.constantFrom(' ', '  ', '\t'),
      tail: fc.constantFrom('', ' ', '  '),
    }),
    { nil: undefined },
  ),
  claim: fc.option(fc.constantFrom<Client>('gpt', 'cursor', 'human', 'cron'), { nil: undefined }),
});

describe('which key decides, whatever carries it', () => {
  it('x-api-key first, else the Bearer value; unknown is 401, a differing claim 403, and only a human key reads /ai/queries', async () => {
    const fetcher = appFetch();
    await fc.assert(
      fc.asyncProperty(request, async ({ apiKey, bearer, claim }) => {
        const headers: Record<string, string> = {};
        if (apiKey) headers['x-api-key'] = apiKey.value;
        if (bearer) headers.authorization = `${bearer.scheme}${bearer.gap}${bearer.key.value}${bearer.tail}`;
        if (claim) headers['x-client-id'] = claim;
        const response = await fetcher(`${ORIGIN}/ai/queries`, { headers });
        const body = (await response.json()) as { code?: string };
        const deciding = apiKey ?? bearer?.key;
        const label = JSON.stringify({ headers, status: response.status, code: body.code });
        if (!deciding || deciding.as === null) {
          expect(response.status, label).toBe(401);
          return;
        }
        const client = CLIENT_OF[deciding.as];
        if (claim && claim !== client) {
          expect([response.status, body.code], label).toEqual([403, 'client_mismatch']);
          return;
        }
        if (client === 'human') expect(response.status, label).toBe(200);
        else expect([response.status, body.code], label).toEqual([403, 'client_not_allowed']);
      }),
      { numRuns: 150, seed: 32 },
    );
  });
});
