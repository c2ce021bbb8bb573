import { createServer, type Server } from 'node:http';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerService, type WorkerService } from '../../src/local/worker-service';
import { startGitHubStandIn, type GitHubStandIn } from '../../src/local/upstreams/github';
import { TEST_KEYS, TEST_KEY_TABLE } from '../support/keys';
import { testIntentPolicy } from '../support/intent-policy';
import { runCli } from './support';

/** `hezlep intents …` against the real service, whose deploys dispatch workflows in the local GitHub's Actions. */
let service: WorkerService;
let github: GitHubStandIn;
let home: string;
const DEPLOY_REPO = 'acme/cli-shop';

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'hezlep-cli-intents-'));
  github = await startGitHubStandIn({ token: `cli-github-${crypto.randomUUID()}` });
  service = await startWorkerService({
    vars: {
      HEZLEP_API_KEYS: JSON.stringify(TEST_KEY_TABLE),
      LOG_LEVEL: 'warn',
      PROJECT_ID: 'cli-intents-test',
      GITHUB_API_URL: github.url,
      GITHUB_TOKEN: github.token,
      GITHUB_REPO: DEPLOY_REPO,
      // The service's own env, which the Worker and its ledger object both read: the Workers suites' test policy.
      INTENT_POLICY: testIntentPolicy(),
    },
  });
});

afterAll(async () => {
  await service?.stop();
  await github?.stop();
});

function cliEnv(identity: keyof typeof TEST_KEYS, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { HEZLEP_URL: _u, HEZLEP_API_KEY: _k, ...rest } = process.env;
  return {
    ...rest,
    HEZLEP_CONFIG: join(home, `${identity}.json`),
    HEZLEP_URL: service.url,
    HEZLEP_API_KEY: TEST_KEYS[identity],
    ...extra,
  };
}

describe('hezlep intents', () => {
  it('says plainly when the service has no intents endpoints', async () => {
    const server: Server = createServer((req, res) => {
      res.writeHead(404, { 'content-type': 'application/problem+json' });
      res.end(
        JSON.stringify({
          code: 'not_found',
          status: 404,
          detail: `No route for ${req.method} ${req.url?.split('?')[0]}. See /openapi.json.`,
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const result = runCli(['intents', 'list'], { env: cliEnv('human', { HEZLEP_URL: url }), cwd: home });
      expect(await result.code).toBe(1);
      expect(result.err.join('\n')).toContain('This service has no intents endpoints');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('lists what the GPT proposed, approves one and rejects another, against the real service', async () => {
    const propose = async (target: string) => {
      const response = await fetch(`${service.url}/ai/intents`, {
        method: 'POST',
        headers: { 'x-api-key': TEST_KEYS.gpt, 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'purge-cache', target, reason: 'stale pages after the release' }),
      });
      const body = (await response.json()) as { intent: { id: string } };
      expect(response.status, JSON.stringify(body)).toBeLessThan(300);
      return body.intent.id;
    };
    const target = `srv-${Date.now()}`;
    const first = await propose(`${target}-a`);
    const second = await propose(`${target}-b`);
    const env = cliEnv('human');
    const list = runCli(['intents', 'list'], { env, cwd: home });
    expect(await list.code, list.err.join('\n')).toBe(0);
    const lines = list.out.join('\n');
    expect(lines).toMatch(new RegExp(`^${first} +proposed +purge-cache ${target}-a +by gpt`, 'm'));
    expect(lines).toMatch(new RegExp(`^${second} +proposed +purge-cache ${target}-b +by gpt`, 'm'));

    const approved = runCli(['intents', 'approve', first], { env, cwd: home });
    expect(await approved.code, approved.err.join('\n')).toBe(0);
    expect(approved.out[0]).toMatch(new RegExp(`^${first}: approved`));
    const noReason = runCli(['intents', 'reject', second], { env, cwd: home });
    expect(await noReason.code).toBe(2);
    const rejected = runCli(['intents', 'reject', second, '--reason', 'not today'], { env, cwd: home });
    expect(await rejected.code, rejected.err.join('\n')).toBe(0);
    expect(rejected.out[0]).toMatch(new RegExp(`^${second}: rejected`));

    // The GPT can never approve, and the CLI says why (the policy's rule), not just "403".
    const third = await propose(`${target}-c`);
    const asGpt = runCli(['intents', 'approve', third], { env: cliEnv('gpt'), cwd: home });
    expect(await asGpt.code).toBe(1);
    expect(asGpt.err.join('\n')).toMatch(
      /^hezlep: Refused by the intents policy \(rule gpt-never-approves\): The GPT/m,
    );
  });

  it('propose deploy staging and execute it: the GPT proposes and runs what a human approved, and is refused the rest', async () => {
    const sha = 'c0ffee'.padEnd(40, '0');
    const ref = await fetch(`${github.url}/repos/${DEPLOY_REPO}/git/refs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${github.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ref: 'refs/heads/staging', sha }),
    });
    expect([201, 422]).toContain(ref.status);
    const gpt = cliEnv('gpt');

    const proposed = runCli(['intents', 'propose', 'deploy', 'staging', '--reason', 'ship the refund fix'], {
      env: gpt,
      cwd: home,
    });
    expect(await proposed.code, proposed.err.join('\n')).toBe(0);
    const [, id] =
      /^([0-9a-f-]{36}): proposed \(deploy staging: waiting for approval/.exec(proposed.out[0] ?? '') ?? [];
    expect(id, proposed.out.join('\n')).toBeTruthy();
    expect(proposed.err.join('\n')).toContain(`hezlep intents approve ${id}`);

    const tooSoon = runCli(['intents', 'execute', id!], { env: gpt, cwd: home });
    expect(await tooSoon.code).toBe(1);
    expect(tooSoon.err.join('\n')).toMatch(/^hezlep: 409 invalid_state: Cannot execute .*approved/im);
    const selfApproval = runCli(['intents', 'approve', id!], { env: gpt, cwd: home });
    expect(await selfApproval.code).toBe(1);
    expect(selfApproval.err.join('\n')).toContain('(rule gpt-never-approves)');
    const toMain = runCli(['intents', 'propose', 'deploy', 'main'], { env: gpt, cwd: home });
    expect(await toMain.code).toBe(1);
    expect(toMain.err.join('\n')).toMatch(
      /^hezlep: Refused by the intents policy \(rule gpt-never-deploys-protected\): /m,
    );

    const approved = runCli(['intents', 'approve', id!], { env: cliEnv('human'), cwd: home });
    expect(await approved.code, approved.err.join('\n')).toBe(0);
    const executed = runCli(['intents', 'execute', id!], { env: gpt, cwd: home });
    expect(await executed.code, executed.err.join('\n')).toBe(0);
    expect(executed.out[0]).toMatch(new RegExp(`^${id}: started, executing \\(deploy staging @ ${sha.slice(0, 12)}`));
    const again = runCli(['intents', 'execute', id!], { env: gpt, cwd: home });
    expect(await again.code).toBe(0);
    expect(again.out[0]).toMatch(new RegExp(`^${id}: already started`));

    for (const usage of [
      ['intents', 'propose', 'deploy'],
      ['intents', 'execute'],
      ['intents', 'propose', 'deploy', 'a b'],
    ]) {
      const wrong = runCli(usage, { env: gpt, cwd: home });
      expect(await wrong.code, usage.join(' ')).toBe(2);
    }
  });
});
