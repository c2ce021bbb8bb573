import { describe, expect, it } from 'vitest';
import { call, expectStatus } from '../support/http';
import { hostingEnv } from '../support/hosting-env';
import { createFixtureRepo, reindex } from '../support/index-fixtures';
import { scenario } from '../intents/helpers';
import { freshRepo, scenario as repoScenario } from '../support/github';
import { ANSWER_BUDGET_CHARS } from '../../src/lib/budget';
import { postMcp } from '../support/mcp';

type Parameter = { name: string; in: string; required?: boolean; schema?: { maximum?: number; enum?: unknown[] } };
type Operation = { operationId: string; parameters?: Parameter[] };

/** Fill every free-text and list field the limits allow, so each answer is as large as it can get. */
const long = (n: number, seed: string) => `${seed} ${'x'.repeat(n)}`.slice(0, n);
const diffOf = (bytes: number) => {
  const lines = ['--- a/src/big.ts', '+++ b/src/big.ts', '@@ -1,1 +1,2000 @@'];
  for (let i = 0; lines.join('\n').length < bytes - 80; i++) lines.push(`+const "line${i}" = "${'q'.repeat(40)}";`);
  return lines.join('\n');
};

/** A file the index chunks into many long declarations (the search answers' snippets and signatures). */
function bigSource(n: number): string {
  const parts: string[] = [];
  for (let i = 0; i < 40; i++) {
    parts.push(
      `/** ${'Documentation of the budget function. '.repeat(8)} */\nexport function budget${n}x${i}(alpha: string, beta: number, gamma: Record<string, string>): string {\n${'  const value = alpha + beta + JSON.stringify(gamma);\n'.repeat(30)}  return value;\n}\n`,
    );
  }
  return parts.join('\n');
}

/** Every value a parameter is worth trying with: its maximum for a bounded integer, each enum value. */
function argumentSets(op: Operation, ids: Record<string, string>): URLSearchParams[] {
  const base = new URLSearchParams();
  const enums: [string, string[]][] = [];
  for (const p of op.parameters ?? []) {
    if (p.in !== 'query') continue;
    const schema = p.schema ?? {};
    if (typeof schema.maximum === 'number' && schema.maximum < 1_000_000) base.set(p.name, String(schema.maximum));
    // A small choice (diff=true|false, view, state of pulls) is tried whole; a long one is left unset (no filter).
    else if (Array.isArray(schema.enum) && schema.enum.length <= 4) enums.push([p.name, schema.enum.map(String)]);
    else if (p.required) base.set(p.name, ids[p.name] ?? 'budget');
  }
  return [
    base,
    ...enums.flatMap(([name, values]) =>
      values.map((value) => {
        const query = new URLSearchParams(base);
        query.set(name, value);
        return query;
      }),
    ),
  ];
}

describe('the GPT Action response budget', () => {
  it('every GPT-profile read answers within the budget at its maximum limits over maximum-size data', async () => {
    const s = scenario();
    const fixture = await createFixtureRepo(
      Object.fromEntries(Array.from({ length: 24 }, (_, n) => [`src/budget-${n}.ts`, bigSource(n)])),
    );
    const repo = freshRepo();
    const env = {
      ...s.env,
      GITHUB_REPO: repo,
      ...hostingEnv('healthy', 'healthy'),
      PROJECT_ID: s.env.PROJECT_ID,
      INDEX_REPOS: fixture.env.INDEX_REPOS,
      GITHUB_REPOS: fixture.fullName,
      GPT_CODE_EXPOSURE: 'snippet',
    };
    await repoScenario(repo, { commits: 101, runs: 101, pulls: 31, hugeMessages: true, logFillerLines: 5_000 });
    expectStatus(
      await call('PUT', '/ai/context', {
        as: 'human',
        env,
        body: {
          branch: long(255, 'b'),
          activeUser: long(100, 'u'),
          currentTask: long(2_000, 'task'),
          notes: long(4_000, 'notes'),
          extra: { blob: long(8_000, 'extra') },
        },
      }),
      200,
    );
    for (let n = 0; n < 12; n++) {
      const as = n % 2 ? 'cursor' : 'human';
      const body = {
        workspace: long(200, `ws${n}`),
        branch: long(255, 'branch'),
        file: long(1_000, 'src/file'),
        diff: diffOf(65_536),
        timestamp: new Date().toISOString(),
        user: `user${n}`,
        selection: { startLine: 1, endLine: 2, text: long(2_000, 'selection') },
      };
      expectStatus(await call('POST', '/ai/cursor/session', { as, env, body }), 200);
    }
    for (let batch = 0; batch < 11; batch++) {
      const proposals = await Promise.all(
        Array.from({ length: 10 }, (_, n) =>
          call('POST', '/ai/intents', {
            as: 'gpt',
            env,
            body: {
              kind: 'purge-cache',
              target: 'staging',
              reason: long(500, `reason${batch}.${n}`),
              idempotencyKey: crypto.randomUUID(),
            },
          }),
        ),
      );
      for (const proposal of proposals) expect(proposal.status, proposal.text).toBeLessThan(300);
    }
    await reindex({ ...fixture, env: { ...fixture.env, ...env } });

    const profile = await call('GET', '/openapi.json?profile=gpt');
    const runs = await call('GET', '/ai/github/runs?limit=1', { as: 'gpt', env });
    const intents = await call('GET', '/ai/intents?limit=1', { as: 'gpt', env });
    const ids: Record<string, string> = {
      id: String(runs.body.runs?.[0]?.id ?? 1),
      intentId: intents.body.intents?.[0]?.id ?? '',
      q: 'budget alpha beta gamma value',
    };
    const sizes: Record<string, number> = {};
    for (const [path, item] of Object.entries(profile.body.paths as Record<string, Record<string, Operation>>)) {
      const op = item.get;
      if (!op) continue;
      const pathIds = path.startsWith('/ai/intents/') ? { id: ids.intentId! } : ids;
      const url = path.replace(/\{(\w+)\}/g, (_, name: string) => pathIds[name] ?? '1');
      for (const query of argumentSets(op, ids)) {
        const answer = await call('GET', `${url}?${query}`, { as: 'gpt', env });
        const label = `${op.operationId}?${query}`;
        sizes[label] = answer.text.length;
        expect(answer.status, `${label}: ${answer.text.slice(0, 500)}`).toBeLessThan(500);
        // The same call as an MCP tool: its JSON-RPC answer is what a model's client receives.
        const args = Object.fromEntries([
          ...query,
          ...Object.entries(pathIds).filter(([name]) => path.includes(`{${name}}`)),
        ]);
        const rpc = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: op.operationId, arguments: args } };
        const mcp = await postMcp(JSON.stringify(rpc), 'gpt', { env });
        expect(mcp.status, `${label} over MCP: ${mcp.text.slice(0, 500)}`).toBe(200);
        sizes[`mcp ${label}`] = mcp.text.length;
      }
    }
    // The sizes, largest first, in the test's output: the margin each answer keeps under the budget.
    console.log(
      Object.entries(sizes)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 12)
        .map(([l, n]) => `${n} ${l}`)
        .join('\n'),
    );
    for (const [label, size] of Object.entries(sizes)) expect(size, label).toBeLessThan(ANSWER_BUDGET_CHARS);
  }, 240_000);
});
