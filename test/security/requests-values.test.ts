import { describe, expect, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../support/http';
import { scenario } from '../intents/helpers';

/**
 * Values a client may put in a well-formed body that the runtime would change or misread: numbers that do
 * not round-trip into a double, and names of Object.prototype members used as intent kinds and targets.
 */

const env = () => ({ PROJECT_ID: `rv-${crypto.randomUUID().slice(0, 12)}` });

describe('numbers that do not round-trip', () => {
  it('1e400 (Infinity) is a 400, also when the same idempotency key is sent twice', async () => {
    const e = env();
    for (let i = 0; i < 2; i++) {
      const result = await call('POST', '/ai/intents', {
        as: 'gpt',
        env: e,
        rawBody: '{"kind":"restart","target":"production","parameters":{"n":1e400},"idempotencyKey":"inf-1"}',
        headers: { 'content-type': 'application/json' },
      });
      expectProblem(result, 400, 'malformed_json');
      expect(result.body.detail).toMatch(/out of range/);
    }
    const negative = await call('PATCH', '/ai/context', {
      as: 'cursor',
      env: e,
      rawBody: '{"extra":{"n":-1e999}}',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(negative, 400, 'malformed_json');
  });

  it('a whole number beyond 2^53 is a 400 wherever it is written; 2^53 - 1 and decimals pass', async () => {
    const e = env();
    const send = (parameters: string, key: string) =>
      call('POST', '/ai/intents', {
        as: 'gpt',
        env: e,
        rawBody: `{"kind":"restart","target":"production","parameters":${parameters},"idempotencyKey":"${key}"}`,
        headers: { 'content-type': 'application/json' },
      });
    const big = await send('{"n":9007199254740993}', 'big-1');
    expectProblem(big, 400, 'malformed_json');
    expect(big.body.detail).toMatch(/beyond 2\^53/);
    expectProblem(await send('{"n":[-18446744073709551616]}', 'big-2'), 400, 'malformed_json');
    expectStatus(await send('{"n":9007199254740991,"f":1.5e300}', 'ok-1'), 201);
    const version = await call('PUT', '/ai/context', {
      as: 'cursor',
      env: e,
      rawBody: '{"branch":"main","version":9007199254740993}',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(version, 400, 'malformed_json');
  });
});

describe('Object.prototype names as intent kinds and targets', () => {
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
    it(`kind "${name}" is no known kind, target "${name}" an unconfigured one`, async () => {
      const s = scenario();
      const asKind = await s.call('POST', '/ai/intents', 'human', { kind: name, target: 'production' });
      // A kind is lower-case letters, digits and dashes (400 otherwise); a well-formed one is looked up as a name.
      if (/^[a-z][a-z0-9-]*$/.test(name)) {
        expectProblem(asKind, 403, 'policy_denied');
        expect(asKind.body.rule).toBe('kind-known');
      } else expectProblem(asKind, 400, 'validation_failed');
      const asTarget = await s.call('POST', '/ai/intents', 'human', { kind: 'deploy', target: name });
      expectProblem(asTarget, 403, 'policy_denied');
      expect(asTarget.body.rule).toBe('target-configured');
      // A hosting kind accepts any target: the name is stored and read back as the plain string it is.
      const hosted = await s.call('POST', '/ai/intents', 'human', { kind: 'restart', target: name });
      expectStatus(hosted, 201);
      expect(hosted.body.intent.target).toBe(name);
      const listed = await s.call('GET', `/ai/intents?kind=${name}&target=${encodeURIComponent(name)}`, 'gpt');
      expectStatus(listed, 200);
    });
  }
});
