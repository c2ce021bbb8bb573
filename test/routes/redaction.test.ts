import { describe, expect, it } from 'vitest';
import { call, expectStatus } from '../support/http';
import { mustOpen } from '../support/listener';
import { scenario } from '../intents/helpers';
import { redactText, redactValue } from '../../src/redaction/redact';
import { declarationOf } from '../../src/redaction/exposure';
import type { MetricsJson } from '../../src/routes/metrics/get-metrics';

// Planted, test-only credentials in the shapes the scanner knows.
const AWS_KEY = 'AKIAQ3EGRUXHWNJ7Z5PK';
const GITHUB_TOKEN = `ghp_${'Rk8Vw2Lq9Tz4Xn6Bm1Hc5Jd7Fg3Ps0Ya2Ue4'}`;
const PRIVATE_KEY =
  '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7q3QpZ0mJc9Yx2k\nq8Vb1Nn4Tt6Ww0Ee2Rr5Uu7Ii9Oo1\n-----END RSA PRIVATE KEY-----';
const SECRETS = [AWS_KEY, GITHUB_TOKEN, 'MIIEowIBAAKCAQEA7q3QpZ0mJc9Yx2k'];

function expectNoSecret(text: string, where: string): void {
  for (const secret of SECRETS) expect(text, `${where} leaked a planted secret`).not.toContain(secret);
}

describe('one redaction step for everything that leaves toward a model', () => {
  it('a planted AWS key, GitHub token and private key never come back to the gpt key, an event or the audit log', async () => {
    const s = scenario();
    const e = s.env;
    const listener = await mustOpen('', { as: 'gpt', env: e });
    const note = `deploy with ${AWS_KEY} and ${GITHUB_TOKEN}\n${PRIVATE_KEY}`;

    const put = await call('PUT', '/ai/context', {
      as: 'human',
      env: e,
      body: { notes: note, currentTask: `use ${GITHUB_TOKEN}`, extra: { creds: { aws: AWS_KEY } } },
    });
    expectStatus(put, 200);
    expectNoSecret(put.text, 'PUT /ai/context');
    expect(put.body.context.notes).toContain('[REDACTED:aws_access_key]');

    const diff = `--- a/.env.ts\n+++ b/.env.ts\n+export const key = '${AWS_KEY}';\n+const token = "${GITHUB_TOKEN}";\n`;
    const sync = await call('POST', '/ai/cursor/session', {
      as: 'cursor',
      env: e,
      body: {
        branch: 'main',
        timestamp: new Date().toISOString(),
        diff,
        selection: { startLine: 1, endLine: 2, text: PRIVATE_KEY },
      },
    });
    expectStatus(sync, 200);

    const proposed = await s.call('POST', '/ai/intents', 'gpt', {
      kind: 'deploy',
      target: 'staging',
      reason: `token ${GITHUB_TOKEN}`,
    });
    expect(proposed.status).toBeLessThan(300);
    const rejected = await s.call('POST', `/ai/intents/${proposed.body.intent.id}/reject`, 'human', {
      reason: `not with ${AWS_KEY}`,
    });
    expectStatus(rejected, 200);

    for (const path of [
      '/ai/context',
      '/ai/context?view=prompt',
      '/ai/cursor/session?diff=true',
      '/ai/review',
      '/ai/intents',
    ]) {
      const read = await call('GET', path, { as: 'gpt', env: e });
      expectStatus(read, 200);
      expectNoSecret(read.text, path);
    }
    // Events: what a listener received for those writes.
    await listener.waitFor((m) => m.kind === 'event' && m.topic === 'intents', 'the intent event');
    expectNoSecret(JSON.stringify(listener.messages), 'the event stream');
    listener.close();

    // The audit log holds the counts, never the values.
    const audit = await call('GET', '/ai/audit?limit=200', { as: 'human', env: e });
    expectNoSecret(audit.text, 'the audit log');
    const contextEntry = audit.body.entries.find(
      (entry: { target: string; action: string }) => entry.target === `context:${e.PROJECT_ID}`,
    );
    expect(contextEntry.detail.redactions).toEqual({ aws_access_key: 2, github_token: 2, private_key: 1 });
    const cursorEntry = audit.body.entries.find(
      (entry: { action: string; target: string }) =>
        entry.action.startsWith('cursor.session') && entry.target.startsWith(`cursor:${e.PROJECT_ID}:`),
    );
    expect(cursorEntry.detail.redactions).toEqual({ aws_access_key: 1, github_token: 1, private_key: 1 });
    const intentEntry = (action: string) =>
      audit.body.entries.find((entry: { action: string }) => entry.action === action) ?? audit.text;
    expect(intentEntry('intent.propose').detail.redactions).toEqual({ github_token: 1 });
    expect(intentEntry('intent.reject').detail.redactions).toEqual({ aws_access_key: 1 });

    const metrics = await call<MetricsJson>('GET', '/ai/metrics?format=json', { as: 'human', env: e });
    expectStatus(metrics, 200);
    const byKind = Object.fromEntries(metrics.body.redactions.map((r) => [r.kind, r.count]));
    expect(byKind.aws_access_key).toBeGreaterThanOrEqual(3);
    expect(byKind.github_token).toBeGreaterThanOrEqual(3);
    expect(byKind.private_key).toBeGreaterThanOrEqual(2);
  });
});

describe('redaction units', () => {
  it('counts per kind and copies only what changed', () => {
    const clean = { a: ['x', { b: 'y' }] };
    expect(redactValue(clean).value).toBe(clean);
    const dirty = redactValue({ a: [`k=${AWS_KEY}`, { b: GITHUB_TOKEN }], n: 3 });
    expect(dirty.counts).toEqual({ aws_access_key: 1, github_token: 1 });
    expect(JSON.stringify(dirty.value)).not.toContain(AWS_KEY);
    expect(redactText('nothing here').total).toBe(0);
  });

  it('a declaration is its signature and doc comment, never its body', () => {
    expect(
      declarationOf(
        '/**\n * Adds two numbers.\n */\nexport function add(a: number, b: number): number {\n  return a + b;\n}',
      ),
    ).toEqual({
      signature: 'export function add(a: number, b: number): number',
      doc: 'Adds two numbers.',
    });
    expect(declarationOf('export const twice = (n: number) => n * 2;').signature).toBe(
      'export const twice = (n: number) =>',
    );
    expect(declarationOf('def area(r):\n    """Area of a circle."""\n    return 3.14 * r * r')).toEqual({
      signature: 'def area(r):',
      doc: 'Area of a circle.',
    });
  });
});
