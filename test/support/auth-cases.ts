import { describe, it } from 'vitest';
import type { Client } from '../../src/auth/keys';
import { call, expectProblem, type CallOptions } from './http';
import type { TestIdentity } from './keys';

const IDENTITY_OF: Record<Client, TestIdentity> = { gpt: 'gpt', cursor: 'cursor', human: 'human', cron: 'cron' };

/**
 * The security cases every authenticated route must pass: no key, an unknown key,
 * a spoofed x-client-id, and each client the route does not allow.
 */
export function describeAuthCases(
  method: string,
  path: string,
  allowed: readonly Client[],
  request: Omit<CallOptions, 'as'> = {},
): void {
  describe(`${method} ${path} security`, () => {
    it('refuses a request without a key (401)', async () => {
      expectProblem(await call(method, path, request), 401, 'unauthenticated');
    });
    it('refuses an unknown key (401)', async () => {
      expectProblem(
        await call(method, path, { ...request, as: { key: 'not-a-real-key-000000000000' } }),
        401,
        'unauthenticated',
      );
    });
    it('refuses a spoofed x-client-id (403)', async () => {
      const identity = IDENTITY_OF[allowed[0]!];
      const spoofed = allowed[0] === 'human' ? 'gpt' : 'human';
      const result = await call(method, path, {
        ...request,
        as: identity,
        headers: { ...request.headers, 'x-client-id': spoofed },
      });
      expectProblem(result, 403, 'client_mismatch');
    });
    for (const client of (['gpt', 'cursor', 'human', 'cron'] as const).filter((c) => !allowed.includes(c))) {
      it(`refuses the ${client} client (403)`, async () => {
        expectProblem(await call(method, path, { ...request, as: IDENTITY_OF[client] }), 403, 'client_not_allowed');
      });
    }
  });
}
