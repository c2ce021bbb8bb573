import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../support/http';
import { mustOpen } from '../support/listener';
import { hubStub } from '../../src/objects/event-hub';
import { DurableObjectContextStore } from '../../src/objects/context-store';
import type { ListSessionsResponse } from '../../src/routes/cursor/list-sessions';
import { project } from './support';

describe('/ai/context when the ledger is down', () => {
  it('refuses the write with 503 and leaves the context unchanged', async () => {
    const e = project('ctx');
    // Written straight into the project's context store: the ledger that audits writes is down.
    const now = Date.now();
    await new DurableObjectContextStore(env.CONTEXT_STORE).write(
      e.PROJECT_ID,
      {
        fields: { branch: 'before' },
        updatedBy: { client: 'human', person: 'hana' },
        updatedAt: new Date(now).toISOString(),
        expiresAt: new Date(now + 900_000).toISOString(),
        version: 1,
      },
      0,
      900_000,
    );
    for (const [method, body] of [
      ['PUT', { branch: 'after' }],
      ['PATCH', { branch: 'after' }],
      ['DELETE', undefined],
    ] as const) {
      const result = await call(method, '/ai/context', { as: 'human', env: e, body });
      expectProblem(result, 503, 'ledger_unavailable');
      expect(result.text).not.toMatch(/ECONNREFUSED|stack|at /);
    }
    // Reads do not need the ledger.
    const got = await call('GET', '/ai/context', { as: 'human', env: e });
    expectStatus(got, 200);
    expect(got.body.context).toEqual({ branch: 'before' });
  });

  it('publishes nothing for a change the ledger refused', async () => {
    const e = project('ev');
    const listener = await mustOpen('', { as: 'human', env: e });
    const refused = await call('PUT', '/ai/context', { as: 'cursor', env: e, body: { branch: 'never' } });
    expectProblem(refused, 503, 'ledger_unavailable');
    // The next event the hub assigns is the first one: the refused write told nothing.
    expect(
      (
        await hubStub(env.EVENT_HUB!, e.PROJECT_ID).publishAll([
          { topic: 'context', type: 'test.marker', summary: 'marker' },
        ])
      ).seqs,
    ).toEqual([1]);
    const [first] = await listener.events(1);
    expect(first).toMatchObject({ seq: 1, type: 'test.marker' });
    expect(JSON.stringify(listener.messages)).not.toContain('never');
    listener.close();
  });
});

describe('/ai/cursor/session when the ledger is down', () => {
  it('refuses the sync, and stores nothing', async () => {
    const e = project('cur');
    expectProblem(
      await call('POST', '/ai/cursor/session', {
        as: 'cursor',
        env: e,
        body: { branch: 'x', timestamp: new Date().toISOString() },
      }),
      503,
      'ledger_unavailable',
    );
    const listed = await call<ListSessionsResponse>('GET', '/ai/cursor/session', { as: 'cursor', env: e });
    expect(listed.body.count).toBe(0);
  });
});
