import { env, createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { inject } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import worker from '../../src/index';
import { LedgerPool } from '../../src/db/pool';
import { intents } from '../../src/db/schema';
import { Logger } from '../../src/lib/log';
import { call, expectStatus, refuseObjectSettings } from '../support/http';
import type { TestIdentity } from '../support/keys';
import type { ProposeIntentResponse } from '../../src/routes/intents/propose-intent';
import type { GetIntentResponse } from '../../src/routes/intents/get-intent';

const github = inject('github');

/** A well-formed intent id that names no intent. */
export const SOME_INTENT_ID = '00000000-0000-4000-8000-000000000000';

export const randomSha = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(20)), (b) => b.toString(16).padStart(2, '0')).join('');

/** An audit entry as the intent tests read it. */
export interface AuditedEntry {
  action: string;
  actor: { client: string; person?: string };
  detail: Record<string, unknown>;
}

/**
 * A fresh project and GitHub repository per test, with `extraEnv` on top (the Worker's GitHub or webhook
 * settings). The intent policy is the project's (test/support/intent-policy.ts), which the ledger object
 * reads too: a test picks one of its kinds or targets, never a policy of its own.
 */
export function scenario(extraEnv: Record<string, string> = {}) {
  refuseObjectSettings(extraEnv);
  const repo = `hezlep/intents-${crypto.randomUUID().slice(0, 12)}`;
  const environment = {
    PROJECT_ID: `int-${crypto.randomUUID().slice(0, 12)}`,
    GITHUB_TOKEN: github.token,
    GITHUB_REPO: repo,
    ...extraEnv,
  };
  const gh = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${github.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${github.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`github stand-in ${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  return {
    env: environment,
    repo,
    call: <T = any>(method: string, path: string, as: TestIdentity, body?: unknown, headers?: Record<string, string>) =>
      call<T>(method, path, { as, body, env: environment, headers }),
    createBranch: (name: string, sha = randomSha()) =>
      gh('POST', `/repos/${repo}/git/refs`, { ref: `refs/heads/${name}`, sha }).then(() => sha),
    moveBranch: (name: string, sha = randomSha()) =>
      gh('PATCH', `/repos/${repo}/git/refs/heads/${name}`, { sha, force: true }).then(() => sha),
    describeCommit: (
      sha: string,
      about: { message?: string; author?: string; files?: { path: string; additions: number; deletions: number }[] },
    ) => gh('POST', `/_control/repos/${repo}/commits/${sha}`, about),
    setStatus: (sha: string, state: string, context = 'ci') =>
      gh('POST', `/repos/${repo}/statuses/${sha}`, { state, context }),
    finishRun: (runId: number, conclusion: string, status = 'completed') =>
      gh('POST', `/_control/repos/${repo}/runs/${runId}`, { status, conclusion }),
    dispatches: (): Promise<{ workflow: string; ref: string; inputs: Record<string, string> }[]> =>
      gh('GET', `/_control/repos/${repo}/dispatches`),
    behaviour: (change: Record<string, unknown>) => gh('POST', `/_control/repos/${repo}/behaviour`, change),
    /** Run the Worker's real scheduled handler against this scenario's env. */
    async cron() {
      const ctx = createExecutionContext();
      await worker.scheduled(
        createScheduledController({ cron: '*/5 * * * *' }),
        { ...env, ...environment } as never,
        ctx,
      );
      await waitOnExecutionContext(ctx);
    },
    async propose(as: TestIdentity, body: Record<string, unknown>) {
      const result = await call<ProposeIntentResponse>('POST', '/ai/intents', { as, body, env: environment });
      expectStatus(result, 201);
      return result.body.intent;
    },
    /** An intent and its decisions, as a human reads them. */
    async read(id: string) {
      const got = await call<GetIntentResponse>('GET', `/ai/intents/${id}`, { as: 'human', env: environment });
      expectStatus(got, 200);
      return got.body;
    },
    /** The audit entries about `target` (`intent:<id>`, `intents:<project>`), oldest first. */
    async audit(target: string): Promise<AuditedEntry[]> {
      const path = `/ai/audit?target=${encodeURIComponent(target)}&limit=100`;
      const result = await call<{ entries: AuditedEntry[] }>('GET', path, { as: 'human', env: environment });
      expectStatus(result, 200);
      return result.body.entries.reverse();
    },
  };
}

/** Change the ledger directly, to stand in for time passing (no timed waits in tests). */
export async function onLedger<T>(work: (db: LedgerPool['db']) => Promise<T>): Promise<T> {
  const ledger = new LedgerPool(
    { url: env.DATABASE_URL as string, wsProxy: env.DATABASE_WS_PROXY as string },
    new Logger('silent'),
  );
  try {
    return await ledger.use(work);
  } finally {
    await ledger.close();
  }
}

export const backdate = {
  proposal: (id: string) =>
    onLedger((db) =>
      db
        .update(intents)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(intents.id, id)),
    ),
  approval: (id: string) =>
    onLedger((db) =>
      db
        .update(intents)
        .set({ approvalExpiresAt: new Date(Date.now() - 1000) })
        .where(eq(intents.id, id)),
    ),
  executionStart: (id: string, hoursAgo: number) =>
    onLedger((db) =>
      db
        .update(intents)
        .set({
          execution: sql`jsonb_set(${intents.execution}, '{startedAt}', to_jsonb(${new Date(Date.now() - hoursAgo * 3600_000).toISOString()}::text))`,
        })
        .where(eq(intents.id, id)),
    ),
};
