import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerService, type WorkerService } from '../../src/local/worker-service';
import { TEST_KEYS, TEST_KEY_TABLE } from '../support/keys';
import { COMMANDS } from '../../src/cli/main';
import { RULES_FILE } from '../../src/cli/commands/cursor-listen';
import { freePort } from '../support/ports';
import { gitRepo, runBin, runCli, waitForFile } from './support';

let service: WorkerService;
let home: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'hezlep-cli-home-'));
  service = await startWorkerService({
    vars: { HEZLEP_API_KEYS: JSON.stringify(TEST_KEY_TABLE), LOG_LEVEL: 'warn', PROJECT_ID: 'cli-test' },
    persistDir: join(home, 'state'),
  });
});

afterAll(async () => {
  await service?.stop();
});

/** Environment for the CLI: no inherited HEZLEP_* and a private config path. */
function cliEnv(identity: keyof typeof TEST_KEYS = 'cursor', extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { HEZLEP_URL: _u, HEZLEP_API_KEY: _k, ...rest } = process.env;
  return {
    ...rest,
    HEZLEP_CONFIG: join(home, `${identity}.json`),
    HEZLEP_URL: service.url,
    HEZLEP_API_KEY: TEST_KEYS[identity],
    ...extra,
  };
}

describe('hezlep CLI: help and errors', () => {
  it('answers --help for the tool and every command, from the real executable', async () => {
    const top = await runBin(['--help'], { env: cliEnv(), cwd: home });
    expect(top.code, top.stderr).toBe(0);
    for (const command of COMMANDS) expect(top.stdout).toContain(command.path.join(' '));
    for (const command of COMMANDS) {
      const result = runCli([...command.path, '--help'], { env: cliEnv(), cwd: home });
      expect(await result.code).toBe(0);
      expect(result.out.join('\n')).toContain(`Usage: ${command.usage}`);
    }
  });

  it('says clearly when the service is unreachable', async () => {
    const port = await freePort(); // nothing listens there
    const result = await runBin(['context', 'get'], {
      env: cliEnv('cursor', { HEZLEP_URL: `http://127.0.0.1:${port}` }),
      cwd: home,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Cannot reach the service at http://127.0.0.1:${port} (ECONNREFUSED)`);
  });

  it('says clearly when the key is refused', async () => {
    const result = runCli(['context', 'get'], {
      env: cliEnv('cursor', { HEZLEP_API_KEY: 'wrong-key-00000000000000' }),
      cwd: home,
    });
    expect(await result.code).toBe(3);
    expect(result.err.join('\n')).toContain('The service refused the API key: The API key is not recognised.');
  });

  it('says what to do when nothing is configured', async () => {
    const { HEZLEP_URL: _u, HEZLEP_API_KEY: _k, ...env } = cliEnv();
    const result = runCli(['status'], { env: { ...env, HEZLEP_CONFIG: join(home, 'none.json') }, cwd: home });
    expect(await result.code).toBe(2);
    expect(result.err.join('\n')).toContain('Run `hezlep login`, or set HEZLEP_URL and HEZLEP_API_KEY');
  });

  it('rejects unknown commands and options with usage', async () => {
    const unknown = runCli(['cursor', 'dance'], { env: cliEnv(), cwd: home });
    expect(await unknown.code).toBe(2);
    const badOption = runCli(['context', 'get', '--bogus'], { env: cliEnv(), cwd: home });
    expect(await badOption.code).toBe(2);
    expect(badOption.err.join('\n')).toContain('Usage: hezlep context get');
  });
});

describe('hezlep CLI against the local service', () => {
  it('login checks the key and writes an owner-only config that later commands use', async () => {
    const configFile = join(home, 'login.json');
    const { HEZLEP_URL: _u, HEZLEP_API_KEY: _k, ...base } = cliEnv();
    const env = { ...base, HEZLEP_CONFIG: configFile };
    const refused = runCli(['login', '--url', service.url, '--key', 'wrong-key-00000000000000'], { env, cwd: home });
    expect(await refused.code).toBe(3);
    await expect(stat(configFile)).rejects.toThrow();

    const login = runCli(['login', '--url', service.url, '--key', TEST_KEYS.human], { env, cwd: home });
    expect(await login.code, login.err.join('\n')).toBe(0);
    expect((await stat(configFile)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(configFile, 'utf8'))).toEqual({ url: service.url, apiKey: TEST_KEYS.human });

    const set = runCli(['context', 'set', 'currentTask=ship the CLI', 'branch=feature/cli'], { env, cwd: home });
    expect(await set.code, set.err.join('\n')).toBe(0);
    expect(set.out.join('\n')).toMatch(/^context v\d+: changed branch, currentTask/);
    const get = runCli(['context', 'get', '--json'], { env, cwd: home });
    expect(await get.code).toBe(0);
    expect(JSON.parse(get.out[0]!)).toMatchObject({
      live: true,
      context: { currentTask: 'ship the CLI' },
      updatedBy: { client: 'human', person: 'alice' },
    });
  });

  it('status reports the service (liveness, or /ai/status when present) and checks the key', async () => {
    const result = runCli(['status'], { env: cliEnv(), cwd: home });
    expect(await result.code, result.err.join('\n')).toBe(0);
    const text = result.out.join('\n');
    // The service has /ai/status: one line per layer, named, with its state.
    expect(text).toMatch(/^overall: (ok|degraded|down)/m);
    expect(text).toMatch(/^ {2}context +ok /m);
    expect(text).toMatch(/^ {2}ledger +ok /m);
    expect(text).not.toContain(' ? ');
    const refused = runCli(['status'], {
      env: cliEnv('cursor', { HEZLEP_API_KEY: 'wrong-key-00000000000000' }),
      cwd: home,
    });
    expect(await refused.code).toBe(3);
  });

  it('sync then listen: a listener sees the session, with file, branch and diff size', async () => {
    const repo = await gitRepo();
    const listen = runCli(['cursor', 'listen', '--topics', 'cursor'], { env: cliEnv('human'), cwd: repo });
    await listen.waitForLine(/connected to/, 'err');

    await writeFile(join(repo, 'src', 'refund.ts'), 'export const a = 1;\nexport const b = 3;\nexport const c = 4;\n');
    const sync = await runBin(['cursor', 'sync', 'src/refund.ts', '--lines', '2-3'], {
      env: cliEnv('cursor'),
      cwd: repo,
    });
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stdout).toMatch(/^synced shop on feature\/refunds, src\/refund\.ts \(\+2 -1\) as alice \(v\d+\)/);

    const line = await listen.waitForLine(
      /cursor .*alice in shop on feature\/refunds editing src\/refund\.ts lines 2-3 \(\+2 -1\)/,
    );
    expect(line).toMatch(/^\d\d:\d\d:\d\d #\d+ cursor +cursor:alice: /);
    expect(await listen.stop()).toBe(0);

    const sessionsAs = (key: string) =>
      fetch(`${service.url}/ai/cursor/session?diff=true&workspace=shop`, { headers: { 'x-api-key': key } }).then(
        (r) => r.json() as Promise<{ sessions: Record<string, any>[] }>,
      );
    const sessions = await sessionsAs(TEST_KEYS.human);
    expect(sessions.sessions[0]).toMatchObject({
      branch: 'feature/refunds',
      file: 'src/refund.ts',
      selection: { startLine: 2, endLine: 3 },
    });
    expect(sessions.sessions[0]!.diff).toContain('+export const c = 4;');
    expect(sessions.sessions[0]!.head).toMatch(/^[0-9a-f]{40}$/);
    // The gpt client gets the same session without code: a diff summary instead of the diff (GPT_CODE_EXPOSURE=summary).
    const forGpt = (await sessionsAs(TEST_KEYS.gpt)).sessions[0]!;
    expect(forGpt).toMatchObject({ file: 'src/refund.ts', diffSummary: expect.anything() });
    expect(JSON.stringify(forGpt)).not.toContain('export const c = 4;');
  });

  it('sync --watch posts again on save, once per burst of saves', async () => {
    const repo = await gitRepo('watch-ws');
    const watch = runCli(['cursor', 'sync', 'src/refund.ts', '--watch', '--debounce', '300'], {
      env: cliEnv('cursor'),
      cwd: repo,
    });
    await watch.waitForLine(/^synced watch-ws on feature\/refunds, src\/refund\.ts \(\+0 -0\)/);
    const before = watch.out.filter((l) => l.startsWith('synced')).length;
    for (let n = 1; n <= 5; n++) await writeFile(join(repo, 'src', 'refund.ts'), `export const a = ${n};\n`);
    await watch.waitForLine(/\(\+1 -2\)/);
    expect(await watch.stop()).toBe(0);
    const posts = watch.out.filter((l) => l.startsWith('synced')).length - before;
    expect(posts).toBeGreaterThanOrEqual(1);
    expect(posts).toBeLessThan(5);
    const sessions = await fetch(`${service.url}/ai/cursor/session?diff=true&workspace=watch-ws`, {
      headers: { 'x-api-key': TEST_KEYS.human },
    }).then((r) => r.json() as Promise<{ sessions: { diff?: string }[] }>);
    expect(sessions.sessions[0]!.diff).toContain('+export const a = 5;');
  });

  it('listen --json prints one JSON event per line, and resumes from --since', async () => {
    const repo = await gitRepo('json-ws');
    const first = runCli(['cursor', 'listen', '--json'], { env: cliEnv('human'), cwd: repo });
    await first.waitForLine(/connected to/, 'err');
    const set = runCli(['context', 'set', 'notes=json please'], { env: cliEnv('gpt'), cwd: repo });
    expect(await set.code).toBe(0);
    const line = await first.waitForLine(/"notes"/);
    const event = JSON.parse(line);
    expect(event).toMatchObject({ topic: 'context', type: 'context.updated', actor: { client: 'gpt' } });
    await first.stop();

    const resumed = runCli(['cursor', 'listen', '--json', '--since', String(event.seq - 1)], {
      env: cliEnv('human'),
      cwd: repo,
    });
    const replayed = JSON.parse(await resumed.waitForLine(/"notes"/));
    expect(replayed.seq).toBe(event.seq);
    await resumed.stop();
  });

  it('listen --rules keeps a Cursor rules file with the shared context', async () => {
    const repo = await gitRepo('rules-ws');
    const listen = runCli(['cursor', 'listen', '--rules'], { env: cliEnv('cursor'), cwd: repo });
    await listen.waitForLine(/connected to/, 'err');
    const task = `rules task ${Date.now()}`;
    expect(await runCli(['context', 'set', `currentTask=${task}`], { env: cliEnv('gpt'), cwd: repo }).code).toBe(0);
    const text = await waitForFile(join(repo, RULES_FILE), (content) => content.includes(task));
    expect(text).toMatch(/^---\ndescription: .+\nalwaysApply: true\n---\n/);
    expect(text).toContain(`- currentTask: ${task}`);
    await listen.stop();
  });

  it('listen --rules and sync --watch in one working tree: the session names the edited file, never the rules file', async () => {
    const repo = await gitRepo('together-ws');
    const listen = runCli(['cursor', 'listen', '--rules'], { env: cliEnv('cursor'), cwd: repo });
    await listen.waitForLine(/connected to/, 'err');
    await waitForFile(join(repo, RULES_FILE), (text) => text.includes('alwaysApply'));
    const watch = runCli(['cursor', 'sync', '--watch', '--debounce', '100'], { env: cliEnv('cursor'), cwd: repo });
    await watch.waitForLine(/^synced together-ws on feature\/refunds/);

    await writeFile(join(repo, 'src', 'refund.ts'), 'export const a = 2;\n');
    await watch.waitForLine(/^synced together-ws on feature\/refunds, src\/refund\.ts \(\+1 -2\)/);
    // The listener rewrites the rules file for that sync (the digest lists the session) ...
    await waitForFile(join(repo, RULES_FILE), (text) => text.includes('src/refund.ts'));
    // ... and a later save still posts in order, so a post the rewrite had caused would be printed before this one.
    await writeFile(join(repo, 'src', 'later.ts'), 'export const later = true;\n');
    await watch.waitForLine(/src\/later\.ts \(\+1 -0\)/);
    expect(watch.out.filter((line) => /hezlep-context|\.cursor/.test(line))).toEqual([]);
    expect(await watch.stop()).toBe(0);
    await listen.stop();

    const sessions = await fetch(`${service.url}/ai/cursor/session?workspace=together-ws`, {
      headers: { 'x-api-key': TEST_KEYS.gpt },
    }).then((r) => r.json() as Promise<{ sessions: { file?: string }[] }>);
    expect(sessions.sessions[0]!.file).toBe('src/later.ts');
    // git ignores the rules file, and a one-off sync picks the newest edited source file, not it.
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: repo, encoding: 'utf8' })).not.toContain('.cursor');
    const once = runCli(['cursor', 'sync'], { env: cliEnv('cursor'), cwd: repo });
    expect(await once.code, once.err.join('\n')).toBe(0);
    expect(once.out[0]).toMatch(/src\/(later|refund)\.ts/);
  });

  it('sync refuses a path that is not a file in the working tree, as a usage error', async () => {
    const repo = await gitRepo('missing-ws');
    for (const path of ['nope.txt', 'src']) {
      const result = runCli(['cursor', 'sync', path], { env: cliEnv('cursor'), cwd: repo });
      expect(await result.code, path).toBe(2);
      expect(result.err.join('\n')).toContain(`hezlep: ${path} is not a file in the working tree`);
    }
  });

  it('an empty context names the CLI command that sets one', async () => {
    const cleared = await fetch(`${service.url}/ai/context`, {
      method: 'DELETE',
      headers: { 'x-api-key': TEST_KEYS.human },
    });
    expect(cleared.status).toBeLessThan(300);
    const get = runCli(['context', 'get'], { env: cliEnv('cursor'), cwd: home });
    expect(await get.code).toBe(0);
    expect(get.out.join('\n')).toBe('No live shared context. Set one with `hezlep context set currentTask="…"`.');
    const prompt = runCli(['context', 'get', '--prompt'], { env: cliEnv('cursor'), cwd: home });
    expect(await prompt.code).toBe(0);
    expect(prompt.out.join('\n')).toContain('hezlep context set');
  });

  it('listen survives a service restart and resumes after the last event it saw', async () => {
    const repo = await gitRepo('restart-ws');
    const listen = runCli(['cursor', 'listen', '--topics', 'context'], { env: cliEnv('human'), cwd: repo });
    await listen.waitForLine(/connected to/, 'err');
    expect(await runCli(['context', 'set', 'notes=before restart'], { env: cliEnv('gpt'), cwd: repo }).code).toBe(0);
    await listen.waitForLine(/gpt: .*changed notes/);

    await service.stopWorker();
    await listen.waitForLine(/reconnecting in/, 'err');
    await service.startWorker();
    await listen.waitForLine(/connected to .*resuming after #\d+/, 'err');

    expect(await runCli(['context', 'set', 'notes=after restart'], { env: cliEnv('gpt'), cwd: repo }).code).toBe(0);
    const events = await listen.waitForLines(/changed notes/, 2);
    const seqs = events.map((l) => Number(/#(\d+)/.exec(l)![1]));
    expect(seqs).toHaveLength(2);
    expect(seqs[1]).toBeGreaterThan(seqs[0]!);
    expect(await listen.stop()).toBe(0);
  });
});
