import { describe, expect, it } from 'vitest';
import { call, expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import { freshProject } from '../../support/project';
import { at, DIFF } from '../../support/cursor-session';
import type { RecordSessionResponse } from '../../../src/routes/cursor/record-session';
import type { ListSessionsResponse } from '../../../src/routes/cursor/list-sessions';

const project = () => freshProject('cur');

describe('GET /ai/cursor/session (the project chooses the context store: test/vitest.config.ts)', () => {
  const envFor = () => project();

  it('records a session and lists it, diff only on request', async () => {
    const e = envFor();
    const posted = await call<RecordSessionResponse>('POST', '/ai/cursor/session', {
      as: 'cursor',
      env: e,
      body: {
        workspace: 'hezlep',
        branch: 'feature/x',
        head: 'abc1234',
        file: 'src/app.ts',
        diff: DIFF,
        timestamp: at(0),
        selection: { startLine: 2, endLine: 3 },
      },
    });
    expectStatus(posted, 200);
    expect(posted.body).toMatchObject({
      applied: true,
      session: {
        user: 'alice',
        workspace: 'hezlep',
        branch: 'feature/x',
        version: 1,
        diffStat: { added: 2, removed: 1 },
      },
    });
    expect(posted.body.session.diff).toBeUndefined();
    const ttl = Date.parse(posted.body.session.expiresAt) - Date.parse(posted.body.session.receivedAt);
    expect(ttl).toBe(900_000);

    const listed = await call<ListSessionsResponse>('GET', '/ai/cursor/session', { as: 'gpt', env: e });
    expectStatus(listed, 200);
    expect(listed.body.count).toBe(1);
    expect(listed.body.sessions[0]).toMatchObject({
      user: 'alice',
      file: 'src/app.ts',
      selection: { startLine: 2, endLine: 3 },
    });
    expect(listed.body.sessions[0]!.diff).toBeUndefined();
    const withDiff = await call<ListSessionsResponse>('GET', '/ai/cursor/session?diff=true', {
      as: 'cursor',
      env: e,
    });
    expect(withDiff.body.sessions[0]!.diff).toBe(DIFF);
    // The gpt client gets no code: files, hunk ranges and counts instead of the diff.
    const gptDiff = await call<ListSessionsResponse>('GET', '/ai/cursor/session?diff=true', { as: 'gpt', env: e });
    expect(gptDiff.body.sessions[0]!.diff).toBeUndefined();
    expect(gptDiff.body.sessions[0]!.diffSummary).toEqual({
      files: [{ path: 'src/app.ts', added: 2, removed: 1, hunks: ['@@ -1,2 +1,3 @@'] }],
      truncated: false,
    });
  });
});

describeAuthCases('GET', '/ai/cursor/session', ['gpt', 'cursor', 'human', 'cron']);
