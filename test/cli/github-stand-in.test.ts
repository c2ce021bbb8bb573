import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubStandIn, type GitHubStandIn } from '../../src/local/upstreams/github';

// The git-backed GitHub stand-in over evaluation snapshots, which may lack old blobs (partial clones).
describe('GitHub stand-in over a repository missing blobs', () => {
  let dir: string;
  let github: GitHubStandIn;
  let change: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hezlep-stand-in-'));
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', dir, '-c', 'user.name=T', '-c', 'user.email=t@example.test', ...args], {
        encoding: 'utf8',
      }).trim();
    git('init', '--quiet', '--initial-branch=main');
    await writeFile(join(dir, 'a.ts'), 'export const a = 1;\n');
    git('add', '.');
    git('commit', '--quiet', '-m', 'add a');
    const before = git('rev-parse', 'HEAD:a.ts');
    await writeFile(join(dir, 'a.ts'), 'export const a = 2;\n');
    await writeFile(join(dir, 'b.ts'), 'export const b = 1;\n');
    git('add', '.');
    git('commit', '--quiet', '-m', 'change a, add b');
    change = git('rev-parse', 'HEAD');
    // As in a snapshot without old blobs: git can list the change but cannot count its lines.
    await rm(join(dir, '.git', 'objects', before.slice(0, 2), before.slice(2)));
    github = await startGitHubStandIn({ repos: { 'local/repo': dir } });
  });

  afterAll(async () => {
    await github?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("lists a commit's files (a history walk asks for each) when a blob it changed is gone", async () => {
    const response = await fetch(`${github.url}/repos/local/repo/commits/${change}`);
    const body = await response.text();
    expect(response.status, body).toBe(200);
    const files = (JSON.parse(body) as { files: { filename: string; status: string }[] }).files;
    expect(files.map((file) => [file.filename, file.status])).toEqual([
      ['a.ts', 'modified'],
      ['b.ts', 'added'],
    ]);
  });
});
