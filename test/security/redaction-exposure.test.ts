import { describe, expect, it } from 'vitest';
import { call, expectStatus } from '../support/http';
import { createFixtureRepo, reindex } from '../support/index-fixtures';
import { mcpClient } from '../support/mcp';
import { githubEnv } from '../support/github';

/**
 * Under the default GPT_CODE_EXPOSURE=summary no answer to the gpt client holds two consecutive lines of
 * code: search and recall hits (one-line functions, windows that start inside a long function, methods,
 * Python), GitHub code search, Cursor diffs and selections, through REST and MCP. Cursor keeps its code.
 */

const FILES: Record<string, string> = {
  'src/one-line.ts':
    'export function tiny(a: number) { return a + BODY_MARK_1; }\nexport const twice = (n: number) => n * BODY_MARK_2;\n',
  'src/long.ts': `export function reconcileLedger(accounts: string[]) {\n${Array.from(
    { length: 150 },
    (_, i) => `  const step${i} = settle(accounts, ${i}); // BODY_MARK_LONG ledger step ${i}`,
  ).join('\n')}\n  return true;\n}\n`,
  'src/service.ts':
    '/** Charges cards. */\nexport class Billing {\n  /** Charge one card. */\n  charge(card: string, amount: number): boolean {\n    const ok = gateway.charge(card, amount, BODY_MARK_3);\n    return ok;\n  }\n}\n',
  'lib/mail.py': 'def send_invoice(to):\n    """Mail the invoice."""\n    return smtp.send(to, BODY_MARK_4)\n',
};

/** Every trimmed source line long enough to be telling. */
const CODE_LINES = new Set(
  Object.values(FILES)
    .flatMap((text) => text.split('\n'))
    .map((line) => line.trim())
    .filter((line) => line.length > 3),
);

function strings(node: unknown, out: string[] = []): string[] {
  if (typeof node === 'string') out.push(node);
  else if (Array.isArray(node)) for (const item of node) strings(item, out);
  else if (node && typeof node === 'object') for (const value of Object.values(node)) strings(value, out);
  return out;
}

/** Pairs of consecutive lines, in any string of the answer, that are both source lines. */
function consecutiveCode(answer: unknown, extraLines: Set<string> = CODE_LINES): string[] {
  const found: string[] = [];
  for (const text of strings(answer)) {
    const lines = text.split(/\r?\n/).map((line) => line.trim().replace(/^[+-]/, '').trim());
    for (let i = 1; i < lines.length; i++)
      if (extraLines.has(lines[i - 1]!) && extraLines.has(lines[i]!)) found.push(`${lines[i - 1]} / ${lines[i]}`);
  }
  return found;
}

describe('no code to the gpt client under the default exposure', () => {
  it('search, recall, resources and MCP tools answer signatures and summaries, never two lines of code', async () => {
    const repo = await createFixtureRepo(FILES);
    await reindex(repo);
    const queries = [
      'tiny twice',
      'reconcile ledger step 120',
      'settle accounts',
      'charge card billing',
      'invoice mail',
    ];
    for (const q of queries) {
      for (const path of [`/ai/search?q=${encodeURIComponent(q)}`, `/ai/github/recall?q=${encodeURIComponent(q)}`]) {
        const gpt = await call('GET', path, { as: 'gpt', env: repo.env });
        expectStatus(gpt, 200);
        expect(gpt.text, path).not.toMatch(/BODY_MARK/);
        expect(consecutiveCode(gpt.body), path).toEqual([]);
      }
    }
    // A window that starts inside the long function gets no signature (its first line is a body line).
    const long = await call('GET', '/ai/search?q=reconcile%20ledger%20step%20120', { as: 'gpt', env: repo.env });
    for (const hit of long.body.results as { path: string; startLine: number; signature: string | null }[])
      if (hit.path === 'src/long.ts' && hit.startLine > 1) expect(hit.signature).toBeNull();
    // Cursor keeps the code.
    const cursor = await call('GET', '/ai/search?q=reconcile%20ledger%20step%20120', { as: 'cursor', env: repo.env });
    expect(cursor.text).toContain('BODY_MARK_LONG');

    const client = await mcpClient('gpt', { env: repo.env });
    const result = await client.callTool({ name: 'searchCode', arguments: { q: 'tiny twice' } });
    await client.close();
    expect(JSON.stringify(result)).not.toMatch(/BODY_MARK/);
    expect(consecutiveCode(result)).toEqual([]);
  });

  it('GitHub code search answers paths and matched identifiers to the gpt client, fragments to others', async () => {
    const env = githubEnv(`hezlep/exposure-${crypto.randomUUID().slice(0, 8)}`);
    const gpt = await call('GET', '/ai/github/search?q=isSessionExpired', { as: 'gpt', env });
    expectStatus(gpt, 200);
    expect(gpt.body.hits.length).toBeGreaterThan(0);
    for (const hit of gpt.body.hits) expect(Object.keys(hit).sort()).toEqual(['identifiers', 'path', 'url']);
    expect(gpt.text).not.toContain('return session.expiresAt');
    const human = await call('GET', '/ai/github/search?q=isSessionExpired', { as: 'human', env });
    expect(human.text).toContain('return session.expiresAt');
  });

  it('a Cursor diff reaches the gpt client as files, hunk ranges and counts; the selection as its lines', async () => {
    const env = { PROJECT_ID: `exp-${crypto.randomUUID().slice(0, 12)}` };
    const diff = [
      'diff --git a/src/service.ts b/src/service.ts',
      '--- a/src/service.ts',
      '+++ b/src/service.ts',
      '@@ -4,3 +4,4 @@ export class Billing {',
      '   charge(card: string, amount: number): boolean {',
      '-    const ok = gateway.charge(card, amount, BODY_MARK_3);',
      '+    const ok = gateway.charge(card, amount, BODY_MARK_5);',
      '+    audit(ok);',
      '     return ok;',
    ].join('\n');
    const sync = await call('POST', '/ai/cursor/session', {
      as: 'cursor',
      env,
      body: {
        branch: 'feature/billing',
        file: 'src/service.ts',
        timestamp: new Date().toISOString(),
        diff,
        selection: {
          startLine: 4,
          endLine: 6,
          text: 'charge(card: string, amount: number): boolean {\n    return ok;',
        },
      },
    });
    expectStatus(sync, 200);
    const gpt = await call('GET', '/ai/cursor/session?diff=true', { as: 'gpt', env });
    expectStatus(gpt, 200);
    expect(gpt.text).not.toMatch(/BODY_MARK|return ok/);
    expect(gpt.body.sessions[0].diffSummary).toEqual({
      files: [{ path: 'src/service.ts', added: 2, removed: 1, hunks: ['@@ -4,3 +4,4 @@'] }],
      truncated: false,
    });
    expect(gpt.body.sessions[0].selection).toEqual({ startLine: 4, endLine: 6 });
    const diffLines = new Set(diff.split('\n').map((line) => line.replace(/^[+-]/, '').trim()));
    expect(consecutiveCode(gpt.body, diffLines)).toEqual([]);

    const client = await mcpClient('gpt', { env });
    const resource = await client.readResource({ uri: 'hezlep://cursor/sessions' });
    await client.close();
    expect(JSON.stringify(resource)).not.toMatch(/BODY_MARK|return ok/);

    const cursor = await call('GET', '/ai/cursor/session?diff=true', { as: 'cursor', env });
    expect(cursor.body.sessions[0].diff).toBe(diff);
    const snippet = await call('GET', '/ai/cursor/session?diff=true', {
      as: 'gpt',
      env: { ...env, GPT_CODE_EXPOSURE: 'snippet' },
    });
    expect(snippet.body.sessions[0].diff).toBe(diff);
  });
});
