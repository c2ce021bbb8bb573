import { describe, expect, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../support/http';

describe('public endpoints', () => {
  it('GET /healthz answers without a key', async () => {
    const result = await call('GET', '/healthz');
    expectStatus(result, 200);
    expect(result.body.status).toBe('ok');
    expect(result.headers.get('x-request-id')).toBeTruthy();
  });

  it('an unknown route is a problem+json 404', async () => {
    expectProblem(await call('GET', '/ai/nope', { as: 'human' }), 404, 'not_found');
    expectProblem(await call('GET', '/nope'), 404, 'not_found');
  });
});
