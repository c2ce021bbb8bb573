import { describe, expect, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import { mustOpen } from '../../support/listener';
import { freshProject } from '../../support/project';
import { at, DIFF } from '../../support/cursor-session';
import type { RecordSessionResponse } from '../../../src/routes/cursor/record-session';
import type { ListSessionsResponse } from '../../../src/routes/cursor/list-sessions';

const project = () => freshProject('cur');

describe('POST /ai/cursor/session (the project chooses the context store: test/vitest.config.ts)', () => {
  const envFor = () => project();

  it('keeps one session per user and workspace', async () => {
    const e = envFor();
    await call('POST', '/ai/cursor/session', {
      as: 'cursor',
      env: e,
      body: { workspace: 'w1', branch: 'a', timestamp: at(0) },
    });
    await call('POST', '/ai/cursor/session', {
      as: 'cursor',
      env: e,
      body: { workspace: 'w1', branch: 'b', timestamp: at(1) },
    });
    await call('POST', '/ai/cursor/session', {
      as: 'cursor',
      env: e,
      body: { workspace: 'w2', branch: 'c', timestamp: at(2) },
    });
    await call('POST', '/ai/cursor/session', {
      as: 'cursorBob',
      env: e,
      body: { workspace: 'w1', branch: 'd', timestamp: at(3) },
    });
    const listed = await call<ListSessionsResponse>('GET', '/ai/cursor/session', { as: 'human', env: e });
    expect(listed.body.sessions.map((s) => `${s.user}/${s.workspace}/${s.branch}/v${s.version}`).sort()).toEqual([
      'alice/w1/b/v2',
      'alice/w2/c/v1',
      'bob/w1/d/v1',
    ]);
    const onlyBob = await call<ListSessionsResponse>('GET', '/ai/cursor/session?user=bob', { as: 'human', env: e });
    expect(onlyBob.body.sessions.map((s) => s.user)).toEqual(['bob']);
  });

  it('a snapshot with an older client timestamp arriving late does not overwrite the newer one', async () => {
    const e = envFor();
    const newer = at(0);
    const older = at(-5_000);
    expectStatus(
      await call('POST', '/ai/cursor/session', { as: 'cursor', env: e, body: { branch: 'newer', timestamp: newer } }),
      200,
    );
    const late = await call<RecordSessionResponse>('POST', '/ai/cursor/session', {
      as: 'cursor',
      env: e,
      body: { branch: 'older', timestamp: older },
    });
    expectStatus(late, 200);
    expect(late.body).toMatchObject({ applied: false, reason: 'stale', session: { branch: 'newer', version: 1 } });
    const listed = await call<ListSessionsResponse>('GET', '/ai/cursor/session', { as: 'cursor', env: e });
    expect(listed.body.sessions.map((s) => s.branch)).toEqual(['newer']);
    // Equal or newer client time applies: last write by receive time wins.
    const same = await call<RecordSessionResponse>('POST', '/ai/cursor/session', {
      as: 'cursor',
      env: e,
      body: { branch: 'same-time', timestamp: newer },
    });
    expect(same.body).toMatchObject({ applied: true, session: { branch: 'same-time', version: 2 } });
  });

  it("an overwrite of another identity's session is reported and audited, without the diff", async () => {
    const e = envFor();
    await call('POST', '/ai/cursor/session', {
      as: 'cursor',
      env: e,
      body: { workspace: 'shared', branch: 'mine', diff: '+secret-ish line', timestamp: at(0) },
    });
    const over = await call<RecordSessionResponse>('POST', '/ai/cursor/session', {
      as: 'human',
      env: e,
      body: { workspace: 'shared', branch: 'theirs', user: 'alice', timestamp: at(1) },
    });
    expectStatus(over, 200);
    expect(over.body.overwrote).toMatchObject({ client: 'cursor', person: 'alice', version: 1 });

    const target = `cursor:${e.PROJECT_ID}:alice@shared`;
    const audit = await call('GET', `/ai/audit?target=${encodeURIComponent(target)}`, { as: 'human' });
    expectStatus(audit, 200);
    const [latest, first] = audit.body.entries;
    expect(latest).toMatchObject({ action: 'cursor.session.overwrite', actor: { client: 'human', person: 'alice' } });
    expect(latest.detail).toMatchObject({ overwrote: { client: 'cursor', person: 'alice' }, branch: 'theirs' });
    expect(first).toMatchObject({ action: 'cursor.session.update' });
    expect(audit.text).not.toContain('secret-ish');
  });

  it('publishes each applied sync on the cursor topic, and not a stale one', async () => {
    const e = envFor();
    const listener = await mustOpen('?topics=cursor', { as: 'human', env: e });
    await call('POST', '/ai/cursor/session', {
      as: 'cursor',
      env: e,
      body: { branch: 'live', file: 'a.ts', diff: DIFF, timestamp: at(0) },
    });
    await call('POST', '/ai/cursor/session', {
      as: 'cursor',
      env: e,
      body: { branch: 'stale', timestamp: at(-60_000) },
    });
    await call('POST', '/ai/cursor/session', { as: 'cursor', env: e, body: { branch: 'live2', timestamp: at(1) } });
    const events = await listener.events(2);
    expect(events.map((m) => (m.data as { branch: string }).branch)).toEqual(['live', 'live2']);
    expect(events[0]).toMatchObject({
      type: 'cursor.session.updated',
      data: { file: 'a.ts', diffStat: { added: 2, removed: 1 } },
    });
    expect(JSON.stringify(events)).not.toContain('const b = 2');
    listener.close();
  });
});

describe('/ai/cursor/session validation', () => {
  it('refuses a diff over the configured limit with 413', async () => {
    const result = await call('POST', '/ai/cursor/session', {
      as: 'cursor',
      env: { ...project(), CURSOR_DIFF_MAX_BYTES: '2048' },
      body: { branch: 'x', diff: '+'.repeat(3_000), timestamp: at(0) },
    });
    expectProblem(result, 413, 'payload_too_large');
    expect(result.body.limit).toBe(2048);
  });

  it('refuses a timestamp far in the future (it would pin the session)', async () => {
    const refused = await call('POST', '/ai/cursor/session', {
      as: 'cursor',
      env: project(),
      body: { branch: 'x', timestamp: at(3_600_000) },
    });
    expectProblem(refused, 400, 'validation_failed');
    expect(refused.body.detail).toMatch(/ minutes ahead of the service clock \(.+\); check the client's clock\.$/);
  });

  it('refuses a missing branch, a bad timestamp and unknown fields', async () => {
    for (const body of [
      { timestamp: at(0) },
      { branch: 'x', timestamp: 'yesterday' },
      { branch: 'x', timestamp: at(0), extra: 1 },
    ]) {
      expectProblem(
        await call('POST', '/ai/cursor/session', { as: 'cursor', env: project(), body }),
        400,
        'validation_failed',
      );
    }
  });
});

describeAuthCases('POST', '/ai/cursor/session', ['cursor', 'human'], {
  body: { branch: 'x', timestamp: new Date().toISOString() },
});
