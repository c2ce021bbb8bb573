import { describe, expect, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import type { RunMaintenanceResponse } from '../../../src/routes/maintenance/run-maintenance';

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

describeAuthCases('POST', '/ai/maintenance/reindex', ['human', 'cron']);
