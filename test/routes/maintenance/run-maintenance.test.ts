import { env } from 'cloudflare:test';
import { describe, expect, inject, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import { chainHash } from '../../../src/audit/chain';
import type { RunMaintenanceResponse } from '../../../src/routes/maintenance/run-maintenance';
import type { VerifyAuditResponse } from '../../../src/routes/audit/verify-audit';

const isolatedDatabaseUrl = inject('isolatedDatabaseUrl');

describe('POST /ai/maintenance/{job} for jobs the indexer provides', () => {
  for (const job of ['reindex', 'vector-pruning']) {
    it(`${job}: runs the indexer's work (no repository configured here), and audits the run`, async () => {
      const result = await call<RunMaintenanceResponse>('POST', `/ai/maintenance/${job}`, { as: 'human' });
      expectStatus(result, 200);
      expect(result.body).toMatchObject({ job, ran: true, details: { repos: [] } });
      expect(result.body.summary).toContain('No repository is configured for indexing');
      const audit = await call('GET', `/ai/audit?target=maintenance:${job}&limit=20`, { as: 'human' });
      const entry = audit.body.entries.find(
        (e: { requestId: string }) => e.requestId === result.headers.get('x-request-id'),
      );
      expect(entry, audit.text).toMatchObject({
        action: `maintenance.${job}`,
        actor: { client: 'human', person: 'alice' },
      });
    });
  }

  it('an unknown job is a validation error', async () => {
    expectProblem(await call('POST', '/ai/maintenance/drop-everything', { as: 'human' }), 400, 'validation_failed');
  });
});

// Rotation rewrites the whole chain, so it runs against its own database.
describe('audit rotation', () => {
  const db = { DATABASE_URL: isolatedDatabaseUrl };
  const write = async (n: number) => {
    const e = { ...db, PROJECT_ID: `rot-${crypto.randomUUID().slice(0, 8)}` };
    for (let i = 0; i < n; i++)
      expectStatus(await call('PUT', '/ai/context', { as: 'human', env: e, body: { branch: `b${i}` } }), 200);
  };
  const verify = async () => {
    const result = await call<VerifyAuditResponse>('GET', '/ai/audit/verify', { as: 'human', env: db });
    expectStatus(result, 200);
    return result.body;
  };
  const rotate = async (retentionDays: string) => {
    const result = await call<RunMaintenanceResponse>('POST', '/ai/maintenance/audit-rotation', {
      as: 'cron',
      env: { ...db, AUDIT_RETENTION_DAYS: retentionDays, AUDIT_ROTATION_BATCH: '3' },
    });
    expectStatus(result, 200);
    return result.body;
  };

  it('archives old entries to R2 as NDJSON, keeps the chain verifiable across the cut, and is idempotent', async () => {
    await write(7);
    const before = await verify();
    expect(before.intact, JSON.stringify(before)).toBe(true);

    const first = await rotate('0');
    expect(first.ran).toBe(true);
    const archived = first.details.archived as number;
    expect(archived).toBeGreaterThanOrEqual(6);
    const objects = first.details.objects as string[];
    expect(objects.length).toBe(Math.ceil(archived / 3));

    // Each archived line carries exactly what the hash covers: the archive verifies offline.
    let previousHash: string | undefined;
    let lastSeq = 0;
    for (const key of objects) {
      const object = await env.ARCHIVE!.get(key);
      expect(object, key).not.toBeNull();
      const lines = (await object!.text())
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      for (const line of lines) {
        const { hash, ...fields } = line;
        expect(await chainHash({ ...fields, at: new Date(fields.at) })).toBe(hash);
        if (previousHash) expect(line.prevHash).toBe(previousHash);
        previousHash = hash;
        lastSeq = line.seq;
      }
    }

    const after = await verify();
    expect(after, JSON.stringify(after)).toMatchObject({
      intact: true,
      archivedThrough: { seq: lastSeq, hash: previousHash },
    });
    expect(after.firstSeq).toBe(lastSeq + 1);

    // Nothing is old enough now: a rerun archives nothing and the chain stays intact.
    const again = await rotate('1');
    expect(again.details.archived).toBe(0);
    expect(again.summary).toContain('No audit entries older than 1 days');
    expect((await verify()).intact).toBe(true);

    // The chain continues past the cut, and a second rotation moves the checkpoint forward.
    await write(2);
    const second = await rotate('0');
    expect(second.details.archived as number).toBeGreaterThan(0);
    const final = await verify();
    expect(final.intact, JSON.stringify(final)).toBe(true);
    expect(final.archivedThrough!.seq).toBeGreaterThan(lastSeq);

    // A checkpoint whose archive object is gone (or differs) is reported, not trusted.
    const key = final.archivedThrough!.archiveKey;
    const original = await env.ARCHIVE!.get(key);
    const saved = { text: await original!.text(), customMetadata: original!.customMetadata };
    await env.ARCHIVE!.delete(key);
    expect(await verify()).toMatchObject({
      intact: false,
      firstBad: { seq: final.archivedThrough!.seq, reason: expect.stringContaining('is missing') },
    });
    await env.ARCHIVE!.put(key, saved.text, { customMetadata: { ...saved.customMetadata, lastHash: '0'.repeat(64) } });
    expect(await verify()).toMatchObject({
      intact: false,
      firstBad: { reason: expect.stringContaining('does not match') },
    });
    await env.ARCHIVE!.put(key, saved.text, { customMetadata: saved.customMetadata });
    expect((await verify()).intact).toBe(true);

    const audit = await call('GET', '/ai/audit?action=maintenance.audit-rotation', { as: 'human', env: db });
    expect(audit.body.entries[0]).toMatchObject({
      actor: { client: 'cron' },
      detail: { archived: second.details.archived },
    });
  });

  it('refuses without an ARCHIVE bucket, changing nothing', async () => {
    const before = await verify();
    const result = await call('POST', '/ai/maintenance/audit-rotation', {
      as: 'human',
      env: { ...db, ARCHIVE: undefined, AUDIT_RETENTION_DAYS: '0' },
    });
    expectProblem(result, 501, 'not_configured');
    const after = await verify();
    expect(after.firstSeq).toBe(before.firstSeq);
  });
});

describeAuthCases('POST', '/ai/maintenance/reindex', ['human', 'cron']);
