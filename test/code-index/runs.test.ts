import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../support/http';
import { createFixtureRepo, indexStatus, reindex, waitForStatus, type FixtureRepo } from '../support/index-fixtures';
import type { SearchResponse } from '../../src/routes/search/search';

const GITHUB_TOKEN = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
const AWS_KEY = 'AKIA' + 'IOSFODNN7EXAMPLQ';
const PRIVATE_KEY = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIEowIBAAKCAQEAzQx7s3cr3tK3yMaterial',
  'Zm9vYmFyYmF6cXV4',
  '-----END RSA PRIVATE KEY-----',
].join('\n');
const DB_PASSWORD = 'Xq9#vT2$mL8!pW4z';

function stubFor(repo: FixtureRepo) {
  const ns = env.REPO_INDEX!;
  return ns.get(ns.idFromName(`${repo.env.PROJECT_ID}:${repo.fullName}@${repo.branch}`));
}

describe('secrets never reach the index', () => {
  it('skips deny-listed files and redacts planted secrets before storing or answering', async () => {
    const repo = await createFixtureRepo({
      'src/deploy.ts': `export function deployClient() {\n  const githubToken = "${GITHUB_TOKEN}";\n  const awsKey = '${AWS_KEY}';\n  const dbPassword = "${DB_PASSWORD}";\n  return connect(githubToken, awsKey, dbPassword);\n}\n`,
      'config/signing.ts': `export const SIGNING = \`\n${PRIVATE_KEY}\n\`;\nexport function signPayload() { return 1; }\n`,
      '.env': `GITHUB_TOKEN=${GITHUB_TOKEN}\n`,
      'keys/server.pem': PRIVATE_KEY,
    });
    const status = await reindex(repo);
    expect(status.skipped.byReason).toMatchObject({ secret_file: 2 });
    expect(status.skipped.sample.map((s) => s.path).sort()).toEqual(['.env', 'keys/server.pem']);
    expect(status.redacted.byKind).toMatchObject({ github_token: 1, aws_access_key: 1, assignment: 1, private_key: 1 });
    expect(status.redacted.sample).toContainEqual({ path: 'src/deploy.ts', line: 2, kind: 'github_token' });

    const secrets = [GITHUB_TOKEN, AWS_KEY, DB_PASSWORD, 'MIIEowIBAAKCAQEAzQx7s3cr3tK3yMaterial'];
    for (const q of ['deploy client github token', GITHUB_TOKEN, 'signing private key', DB_PASSWORD]) {
      for (const as of ['gpt', 'cursor'] as const) {
        const result = await call<SearchResponse>('GET', `/ai/search?q=${encodeURIComponent(q)}&k=10`, {
          as,
          env: repo.env,
        });
        expectStatus(result, 200);
        // The question is echoed (a recognisable token in it redacted); the results never hold a secret.
        for (const secret of secrets) expect(JSON.stringify(result.body.results)).not.toContain(secret);
        if (q === GITHUB_TOKEN) expect(result.text).not.toContain(GITHUB_TOKEN);
      }
    }
    const found = await call<SearchResponse>('GET', '/ai/search?q=deployClient', { as: 'cursor', env: repo.env });
    expect(found.body.results[0]!.snippet!.text).toContain('[REDACTED:github_token]');
    const statusText = (await call('GET', '/ai/github/index', { as: 'human', env: repo.env })).text;
    for (const secret of secrets) expect(statusText).not.toContain(secret);

    // And nothing in the object's storage holds them: chunks, the FTS index, metadata.
    const leaked = await runInDurableObject(stubFor(repo), (_instance, state) => {
      const rows: string[] = [];
      for (const table of ['chunks', 'chunks_fts', 'files', 'meta', 'redactions']) {
        for (const row of state.storage.sql.exec(`SELECT * FROM ${table}`)) rows.push(JSON.stringify(row));
      }
      return rows.join('\n');
    });
    expect(leaked.length).toBeGreaterThan(100);
    for (const secret of secrets) expect(leaked).not.toContain(secret);
  });
});

describe('runs', () => {
  it('indexes every file when GitHub truncates the recursive tree listing (one sub-tree at a time)', async () => {
    const files: Record<string, string> = {};
    for (const dir of ['api', 'core/deep', 'web'])
      for (let i = 0; i < 4; i++)
        files[`src/${dir}/mod${i}.ts`] = `export const ${dir.replace('/', '_')}${i} = ${i};\n`;
    files['README.md'] = '# Readme\n';
    // The recursive listing of the root (and of src/) is cut after 5 entries, as GitHub cuts at 100,000 or 7 MB.
    const repo = await createFixtureRepo(files, {}, { entries: 5 });
    const status = await reindex(repo);
    expect(status.lastRun).toMatchObject({ outcome: 'succeeded', mode: 'full' });
    expect(status.lastRun!.stats.filesPlanned).toBe(13);
    expect(status.files).toBe(13);
    expect(status.running).toBeNull();
  });
});

describe('snippets', () => {
  it('with GPT_CODE_EXPOSURE=snippet, gives GPT callers bounded snippets only, never a whole long chunk', async () => {
    const body = Array.from(
      { length: 100 },
      (_, i) => `  const step${i} = compute(${i}); // reconcile ledger balances step ${i}`,
    ).join('\n');
    const repo = await createFixtureRepo({
      'src/reconcile.ts': `export function reconcileLedger() {\n${body}\n  return true;\n}\n`,
    });
    await reindex(repo);
    const gpt = await call<SearchResponse>('GET', '/ai/search?q=reconcile%20ledger%20step%2070', {
      as: 'gpt',
      env: { ...repo.env, GPT_CODE_EXPOSURE: 'snippet' },
    });
    expectStatus(gpt, 200);
    for (const hit of gpt.body.results) {
      expect(hit.snippet!.text.split('\n').length).toBeLessThanOrEqual(12);
      expect(hit.snippet!.text.length).toBeLessThanOrEqual(800);
      expect(hit.snippet!.truncated).toBe(true);
      expect(hit.snippet!.startLine).toBeGreaterThanOrEqual(hit.startLine);
      expect(hit.snippet!.endLine).toBeLessThanOrEqual(hit.endLine);
    }
    const cursor = await call<SearchResponse>('GET', '/ai/search?q=reconcile%20ledger%20step%2070', {
      as: 'cursor',
      env: repo.env,
    });
    expect(cursor.body.results[0]!.snippet!.text.split('\n').length).toBeGreaterThan(12);
    expect(cursor.body.results[0]!.snippet!.text.length).toBeLessThanOrEqual(4000);
  });

  it('by default (summary) the gpt client sees signatures and doc comments, never a body; ranking is the same', async () => {
    const repo = await createFixtureRepo({
      'src/ledger.ts':
        '/** Settles the ledger for one account. */\nexport function settleLedger(account: string): number {\n  const marker = "BODY_ONLY_7f3a";\n  return marker.length;\n}\n',
      'src/other.ts': 'export const settleNote = "ledger settle notes";\n',
    });
    await reindex(repo);
    const q = '/ai/search?q=settle%20ledger%20account';
    const gpt = await call<SearchResponse>('GET', q, { as: 'gpt', env: repo.env });
    const human = await call<SearchResponse>('GET', q, { as: 'human', env: repo.env });
    expectStatus(gpt, 200);
    expect(gpt.text).not.toContain('BODY_ONLY_7f3a');
    expect(human.text).toContain('BODY_ONLY_7f3a');
    expect(gpt.body.results.map((r) => [r.path, r.startLine])).toEqual(
      human.body.results.map((r) => [r.path, r.startLine]),
    );
    const settle = gpt.body.results.find((r) => r.path === 'src/ledger.ts')!;
    expect(settle).toMatchObject({
      signature: 'export function settleLedger(account: string): number',
      doc: 'Settles the ledger for one account.',
    });
    expect(settle.snippet).toBeUndefined();
    const none = await call<SearchResponse>('GET', q, { as: 'gpt', env: { ...repo.env, GPT_CODE_EXPOSURE: 'none' } });
    expect(none.text).not.toContain('BODY_ONLY_7f3a');
    expect(none.body.results[0]).not.toHaveProperty('signature');
    const recall = await call('GET', '/ai/github/recall?q=settle%20ledger', { as: 'gpt', env: repo.env });
    expectStatus(recall, 200);
    expect(recall.text).not.toContain('BODY_ONLY_7f3a');
  });
});

describe('recall across repositories', () => {
  it('searches every indexed repository and labels results by repository', async () => {
    const a = await createFixtureRepo({
      'src/pay.ts': 'export function chargeCard(amount: number) {\n  return gateway.charge(amount);\n}\n',
    });
    const b = await createFixtureRepo({
      'lib/mail.py': 'def send_invoice_email(to):\n    """Mail the invoice."""\n    return smtp.send(to)\n',
    });
    const shared = { ...a.env, INDEX_REPOS: `${a.fullName},${b.fullName}` };
    for (const name of [a.fullName, b.fullName]) {
      expectStatus(await call('POST', '/ai/github/reindex', { as: 'human', env: shared, body: { repo: name } }), 202);
    }
    await waitForStatus({ ...a, env: shared }, (s) => s.indexedCommit !== null, 'first repository indexed');
    let recall = await call('GET', '/ai/github/index', { as: 'human', env: shared });
    for (let i = 0; i < 200 && recall.body.repos.some((r: { indexedCommit: string | null }) => !r.indexedCommit); i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      recall = await call('GET', '/ai/github/index', { as: 'human', env: shared });
    }
    const result = await call('GET', '/ai/github/recall?q=send%20invoice%20email&k=5', { as: 'gpt', env: shared });
    expectStatus(result, 200);
    expect(result.body.results[0]).toMatchObject({
      repo: b.fullName,
      path: 'lib/mail.py',
      symbol: 'send_invoice_email',
    });
    expect(result.body.repos.map((r: { repo: string }) => r.repo)).toEqual([a.fullName, b.fullName]);
    const charge = await call('GET', '/ai/github/recall?q=charge%20card', { as: 'cursor', env: shared });
    expect(charge.body.results[0]).toMatchObject({ repo: a.fullName, path: 'src/pay.ts' });
  });

  it('refuses a repository that is not configured', async () => {
    const repo = await createFixtureRepo({ 'a.ts': 'export const a = 1;\n' });
    expectProblem(
      await call('GET', '/ai/search?q=a&repo=someone/else', { as: 'cursor', env: repo.env }),
      403,
      'repo_not_allowed',
    );
    expectProblem(
      await call('GET', '/ai/search?q=a', { as: 'cursor', env: { ...repo.env, INDEX_REPOS: '' } }),
      501,
      'not_configured',
    );
  });

  it('reports an index that has never run honestly', async () => {
    const repo = await createFixtureRepo({ 'a.ts': 'export const a = 1;\n' });
    const status = await indexStatus(repo);
    expect(status).toMatchObject({ indexedCommit: null, files: 0, running: null, lastRun: null });
    expect(status.freshness).toMatchObject({ stale: true, headCommit: repo.head });
  });
});
