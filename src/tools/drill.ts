import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startDemo } from '../local/demo';
import { keyFor } from '../local/dev-keys';
import { PROJECT_ROOT, startLocalService } from '../local/service';
import { freePort } from '../../test/support/ports';
import { printTable, runLoad, type LoadResult } from './bench/load';

const HELP = `npm run drill [-- --seconds 5]

The quarterly drill, against the demo project on a service of its own (fresh state, free port):
  1. a bounded load test: GET /ai/context, /ai/github/commits and /ai/search, each after one
     warm-up request, for --seconds with 8 connections; passes when no request failed;
  2. a rollback drill: the GPT proposes a staging deploy, a human approves and executes it, the
     run succeeds; then a rollback of staging to the previous commit is proposed, approved,
     executed and verified (the workflow was dispatched for that commit, the intent succeeded,
     the audit chain is intact).
Prints a pass/fail line per check and exits 1 when any check failed.`;

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

type Call = (
  method: string,
  path: string,
  as: 'gpt' | 'human',
  body?: unknown,
) => Promise<{ status: number; body: any }>;

/** Poll an intent until it leaves `executing` (the demo's run takes seconds), within a deadline. */
async function finished(call: Call, id: string, deadlineMs = 60_000): Promise<any> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const got = await call('GET', `/ai/intents/${id}`, 'human');
    if (got.body.intent?.state !== 'executing' || Date.now() > deadline) return got.body.intent;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function deployThenRollback(
  call: Call,
  dispatches: () => Promise<{ inputs: Record<string, string> }[]>,
): Promise<Check[]> {
  const checks: Check[] = [];
  const propose = async (as: 'gpt' | 'human', body: Record<string, unknown>) => {
    const proposed = await call('POST', '/ai/intents', as, { ...body, idempotencyKey: `drill-${crypto.randomUUID()}` });
    if (proposed.status !== 201)
      throw new Error(`proposal refused: ${proposed.status} ${JSON.stringify(proposed.body)}`);
    return proposed.body.intent.id as string;
  };
  const approveAndRun = async (id: string) => {
    const approved = await call('POST', `/ai/intents/${id}/approve`, 'human', {});
    if (approved.status !== 200)
      throw new Error(`approval refused: ${approved.status} ${JSON.stringify(approved.body)}`);
    const executed = await call('POST', `/ai/intents/${id}/execute`, 'human', {});
    if (executed.status !== 202)
      throw new Error(`execution refused: ${executed.status} ${JSON.stringify(executed.body)}`);
    return finished(call, id);
  };

  const commits = await call('GET', '/ai/github/commits?branch=develop&limit=2', 'human');
  const [head, previous] = (commits.body.commits ?? []).map((c: { sha: string }) => c.sha);
  if (!head || !previous) return [{ name: 'rollback drill', ok: false, detail: 'develop has fewer than two commits' }];

  const deploy = await approveAndRun(
    await propose('gpt', { kind: 'deploy', target: 'staging', reason: 'drill: deploy the head' }),
  );
  checks.push({
    name: 'deploy to staging',
    ok: deploy.state === 'succeeded',
    detail: `${deploy.state}: ${deploy.outcome ?? ''}`,
  });

  const rollback = await approveAndRun(
    await propose('gpt', {
      kind: 'rollback',
      target: 'staging',
      parameters: { commit: previous },
      reason: 'drill: roll back one commit',
    }),
  );
  checks.push({
    name: 'rollback of staging',
    ok: rollback.state === 'succeeded',
    detail: `${rollback.state}: ${rollback.outcome ?? ''}`,
  });
  const sent = (await dispatches()).at(-1)?.inputs ?? {};
  checks.push({
    name: 'rollback dispatched the previous commit',
    ok: sent.commit === previous && sent.intent === rollback.id,
    detail: `commit ${String(sent.commit).slice(0, 12)} (previous ${previous.slice(0, 12)}, head ${head.slice(0, 12)})`,
  });
  const audit = await call('GET', `/ai/audit?target=intent:${rollback.id}&limit=20`, 'human');
  const actions = (audit.body.entries ?? []).map((e: { action: string }) => e.action).reverse();
  const wanted = ['intent.propose', 'intent.approve', 'intent.execute', 'intent.dispatch', 'intent.succeed'];
  checks.push({ name: 'rollback audited', ok: wanted.every((a) => actions.includes(a)), detail: actions.join(', ') });
  const verified = await call('GET', '/ai/audit/verify', 'human');
  checks.push({
    name: 'audit chain intact',
    ok: verified.body.intact === true,
    detail: JSON.stringify(verified.body).slice(0, 120),
  });
  return checks;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { seconds: { type: 'string', default: '5' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const seconds = Math.min(60, Math.max(1, Number(values.seconds) || 5));
  const stateDir = mkdtempSync(join(tmpdir(), 'hezlep-drill-'));
  chmodSync(stateDir, 0o755); // Postgres runs as its own user when we are root and must reach its data dir
  const log = (line: string) => console.log(`drill: ${line}`);
  const demo = await startDemo({ projectRoot: PROJECT_ROOT, stateDir });
  const checks: Check[] = [];
  try {
    const service = await startLocalService({
      port: await freePort(),
      stateDir,
      vars: { ...demo.vars, LOG_LEVEL: 'warn' },
    });
    demo.connect(service.url);
    try {
      const call: Call = async (method, path, as, body) => {
        const response = await fetch(`${service.url}${path}`, {
          method,
          headers: { 'x-api-key': keyFor(service.keys, as), 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.text();
        return { status: response.status, body: text ? JSON.parse(text) : null };
      };
      log(`service on ${service.url} with the demo project ${demo.repo}; indexing it…`);
      await call('POST', '/ai/github/reindex', 'human', {});
      const indexDeadline = Date.now() + 120_000;
      while (Date.now() < indexDeadline) {
        const index = await call('GET', '/ai/github/index', 'human');
        if (index.body.repos?.[0]?.lastRun) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }

      log(`load: ${seconds} s per route, 8 connections`);
      const headers = { 'x-api-key': keyFor(service.keys, 'gpt') };
      const rows: LoadResult[] = [];
      for (const [name, path] of [
        ['GET /ai/context', '/ai/context'],
        ['GET /ai/github/commits', '/ai/github/commits?limit=10'],
        ['GET /ai/search', '/ai/search?q=cron+trigger&k=5'],
      ] as const) {
        // One warm-up request first: the load measures the steady state (answer cache filled), not the first miss.
        await fetch(`${service.url}${path}`, { headers });
        rows.push(await runLoad({ name, url: `${service.url}${path}`, headers, duration: seconds }));
      }
      printTable(`Load (${seconds} s per route, 8 connections, gpt key)`, rows);
      for (const row of rows) {
        checks.push({
          name: `load ${row.name}`,
          ok: row.errors === 0 && row.non2xx === 0 && row.requests > 0,
          detail: `${row.requests} requests, ${row.rps}/s, p50 ${row.p50} ms, p99 ${row.p99} ms, ${row.errors + row.non2xx} failed`,
        });
      }

      log('rollback drill against staging…');
      const dispatches = async () => {
        const response = await fetch(`${demo.vars.GITHUB_API_URL}/_control/repos/${demo.repo}/dispatches`);
        return (await response.json()) as { inputs: Record<string, string> }[];
      };
      checks.push(
        ...(await deployThenRollback(call, dispatches).catch((error: unknown) => [
          { name: 'rollback drill', ok: false, detail: String(error) },
        ])),
      );
    } finally {
      await service.stop();
    }
  } finally {
    await demo.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
  console.log('');
  for (const check of checks) console.log(`${check.ok ? 'PASS' : 'FAIL'}  ${check.name}: ${check.detail}`);
  const failed = checks.filter((check) => !check.ok).length;
  console.log(
    `\ndrill: ${failed ? `FAILED (${failed} of ${checks.length} checks)` : `passed (${checks.length} checks)`}`,
  );
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(`drill: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
