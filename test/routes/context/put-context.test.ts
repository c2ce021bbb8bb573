import { describe, expect, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import { freshProject } from '../../support/project';
import type { GetContextResponse } from '../../../src/routes/context/get-context';
import type { ContextWriteResponse } from '../../../src/routes/context/put-context';

/** Each test gets its own project, so tests never see each other's context. */
const project = () => freshProject('ctx');

describe('PUT /ai/context (the project chooses the context store: test/vitest.config.ts)', () => {
  const envFor = () => project();

  it('PUT replaces, GET reads back with author, expiry and version', async () => {
    const e = envFor();
    const put = await call<ContextWriteResponse>('PUT', '/ai/context', {
      as: 'cursor',
      env: e,
      body: {
        branch: 'feature/login',
        commit: 'abc1234',
        activeUser: 'alice',
        currentTask: 'fix login',
        extra: { ticket: 42 },
      },
    });
    expectStatus(put, 200);
    expect(put.body.version).toBe(1);
    expect(put.body.updatedBy).toEqual({ client: 'cursor', person: 'alice' });
    expect(put.body.changedFields).toEqual(['activeUser', 'branch', 'commit', 'currentTask', 'extra']);
    const ttl = Date.parse(put.body.expiresAt) - Date.parse(put.body.updatedAt);
    expect(ttl).toBe(900_000);

    const got = await call<GetContextResponse>('GET', '/ai/context', { as: 'gpt', env: e });
    expectStatus(got, 200);
    expect(got.body).toMatchObject({
      live: true,
      version: 1,
      context: { branch: 'feature/login', extra: { ticket: 42 } },
    });

    const replaced = await call<ContextWriteResponse>('PUT', '/ai/context', {
      as: 'cursor',
      env: e,
      body: { branch: 'main' },
    });
    expect(replaced.body.context).toEqual({ branch: 'main' });
    expect(replaced.body.version).toBe(2);
  });

  it("a write over another client's value is reported and audited", async () => {
    const e = envFor();
    await call('PUT', '/ai/context', { as: 'cursor', env: e, body: { branch: 'cursor-branch' } });
    const over = await call<ContextWriteResponse>('PATCH', '/ai/context', {
      as: 'gpt',
      env: e,
      body: { branch: 'gpt-branch' },
    });
    expectStatus(over, 200);
    expect(over.body.overwrote).toMatchObject({ client: 'cursor', person: 'alice', version: 1 });

    const audit = await call('GET', `/ai/audit?target=${encodeURIComponent(`context:${e.PROJECT_ID}`)}`, {
      as: 'human',
    });
    expectStatus(audit, 200);
    const [latest, first] = audit.body.entries;
    expect(latest).toMatchObject({ action: 'context.overwrite', actor: { client: 'gpt' } });
    expect(latest.detail).toMatchObject({
      changedFields: ['branch'],
      overwrote: { client: 'cursor', person: 'alice', version: 1 },
    });
    expect(latest.summary).toContain('overwrote cursor:alice');
    expect(first).toMatchObject({ action: 'context.replace', actor: { client: 'cursor', person: 'alice' } });
    // Values never reach the audit log, only field names.
    expect(JSON.stringify(audit.body)).not.toContain('gpt-branch');
  });

  it('the same identity rewriting its own value is not an overwrite', async () => {
    const e = envFor();
    await call('PUT', '/ai/context', { as: 'cursor', env: e, body: { branch: 'a' } });
    const again = await call<ContextWriteResponse>('PUT', '/ai/context', {
      as: 'cursor',
      env: e,
      body: { branch: 'b' },
    });
    expect(again.body.overwrote).toBeUndefined();
    const other = await call<ContextWriteResponse>('PUT', '/ai/context', {
      as: 'cursorBob',
      env: e,
      body: { branch: 'c' },
    });
    expect(other.body.overwrote).toMatchObject({ client: 'cursor', person: 'alice' });
  });

  it('compare-and-set: a stale version gets 409 and changes nothing', async () => {
    const e = envFor();
    const first = await call<ContextWriteResponse>('PUT', '/ai/context', {
      as: 'cursor',
      env: e,
      body: { branch: 'one' },
    });
    await call('PUT', '/ai/context', { as: 'gpt', env: e, body: { branch: 'two', version: first.body.version } });
    const stale = await call('PUT', '/ai/context', {
      as: 'cursor',
      env: e,
      body: { branch: 'three', version: first.body.version },
    });
    expectProblem(stale, 409, 'version_conflict');
    expect(stale.body.currentVersion).toBe(2);
    const got = await call('GET', '/ai/context', { as: 'cursor', env: e });
    expect(got.body.context.branch).toBe('two');
    // version 0 means "only if nothing is live"
    expectProblem(
      await call('PATCH', '/ai/context', { as: 'cursor', env: e, body: { branch: 'x', version: 0 } }),
      409,
      'version_conflict',
    );
  });
});

describe('/ai/context input errors', () => {
  const e = project();
  it('rejects unknown fields and bad values with validation_failed', async () => {
    const unknown = await call('PUT', '/ai/context', { as: 'gpt', env: e, body: { branch: 'x', secretField: 1 } });
    expectProblem(unknown, 400, 'validation_failed');
    expect(unknown.body.issues.length).toBeGreaterThan(0);
    expectProblem(
      await call('PUT', '/ai/context', { as: 'gpt', env: e, body: { commit: 'not hex!' } }),
      400,
      'validation_failed',
    );
    expectProblem(
      await call('PATCH', '/ai/context', { as: 'gpt', env: e, body: { branch: 7 } }),
      400,
      'validation_failed',
    );
    expectProblem(
      await call('PUT', '/ai/context', { as: 'gpt', env: e, body: { extra: { big: 'x'.repeat(9_000) } } }),
      400,
      'validation_failed',
    );
  });

  it('rejects malformed JSON', async () => {
    const result = await call('PUT', '/ai/context', {
      as: 'gpt',
      env: e,
      rawBody: '{"branch":',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(result, 400, 'malformed_json');
  });

  it('rejects a body that is not JSON', async () => {
    const result = await call('PUT', '/ai/context', {
      as: 'gpt',
      env: e,
      rawBody: 'branch=main',
      headers: { 'content-type': 'text/plain' },
    });
    expectProblem(result, 415, 'unsupported_media_type');
  });

  it('rejects an oversized body', async () => {
    const result = await call('PUT', '/ai/context', { as: 'gpt', env: e, body: { notes: 'x'.repeat(20_000) } });
    expectProblem(result, 413, 'payload_too_large');
  });
});

describeAuthCases('PUT', '/ai/context', ['gpt', 'cursor', 'human', 'cron'], { body: { branch: 'x' } });
