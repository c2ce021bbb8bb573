import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RepoScenario, ScriptedFailure } from '../controls';

/**
 * The generated repositories' data: a scenario (set through the control API) turns into deterministic
 * commits, workflow runs and pull requests, filled into GitHub's documented shapes (templates in fixtures/).
 */
/** A repository's scenario with every default filled in. */
export type FullScenario = Required<Omit<RepoScenario, 'failures'>> & { failures: ScriptedFailure[] };

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const template = (name: string): unknown => JSON.parse(readFileSync(`${FIXTURES}${name}.json`, 'utf8'));
export const TEMPLATES = {
  user: template('simple-user'),
  repository: template('full-repository'),
  commit: template('commit'),
  combinedStatus: template('combined-commit-status'),
  status: template('simple-commit-status'),
  checkRun: template('check-run'),
  run: template('workflow-run'),
  job: template('job'),
  pull: template('pull-request'),
  review: template('pull-request-review'),
  searchItem: template('code-search-result-item'),
  release: template('release'),
  branch: template('short-branch'),
};
export const JOB_LOG = readFileSync(`${FIXTURES}job-log.txt`, 'utf8');

export const DOCS = 'https://docs.github.com/rest';
const BASE_TIME = Date.parse('2026-11-20T18:00:00Z');
const AUTHORS = ['octocat', 'hubot', 'monalisa'];

export type Vars = Record<string, unknown>;

/** Fill a template: "{{x}}" alone keeps x's type, "{{user:x}}" becomes a user object, else interpolate. */
export function fill(value: unknown, vars: Vars): unknown {
  if (typeof value === 'string') {
    const whole = /^\{\{([a-zA-Z]+)\}\}$/.exec(value);
    if (whole) return vars[whole[1]!];
    const user = /^\{\{user:([a-zA-Z]+)\}\}$/.exec(value);
    if (user) return fill(TEMPLATES.user, { ...vars, login: vars[user[1]!] });
    return value.replace(/\{\{([a-zA-Z]+)\}\}/g, (_, key: string) => String(vars[key] ?? ''));
  }
  if (Array.isArray(value)) return value.map((item) => fill(item, vars));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars)]));
  return value;
}

export function sha(...parts: unknown[]): string {
  return createHash('sha1').update(parts.join(':')).digest('hex');
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface CommitData {
  sha: string;
  index: number;
  date: string;
  author: string;
  files: string[];
  checks: Vars[];
  json: unknown;
}
export interface RunData {
  id: number;
  branch: string;
  status: string;
  conclusion: string | null;
  workflowName: string;
  jobs: unknown[];
  json: unknown;
}
export interface PullData {
  number: number;
  state: string;
  json: Record<string, unknown>;
  reviews: unknown[];
}

/** Deterministic data per repository: commit 0 fails CI, run 0 failed in its test step. */
export function generateRepo(origin: string, owner: string, name: string, s: FullScenario) {
  const v = { api: origin, owner, repo: name };
  const commits: CommitData[] = Array.from({ length: s.commits }, (_, i) => {
    const commitSha = sha(owner, name, 'commit', i);
    const author = AUTHORS[i % AUTHORS.length]!;
    const date = iso(BASE_TIME - i * 3_600_000);
    const title = i === 0 ? 'Fix session expiry check in login' : `Change number ${s.commits - i}`;
    const message = s.hugeMessages
      ? `${title} ${'x'.repeat(5000)}\n\n${'body '.repeat(1000)}`
      : `${title}\n\nLonger explanation of change ${i}.`;
    const checks: Vars[] =
      i === 0
        ? [
            { name: 'build', status: 'completed', conclusion: 'success' },
            { name: 'test', status: 'completed', conclusion: 'failure' },
          ]
        : i === 1
          ? [{ name: 'build', status: 'completed', conclusion: 'success' }]
          : i === 2
            ? []
            : [
                { name: 'build', status: 'completed', conclusion: 'success' },
                { name: 'test', status: 'completed', conclusion: 'success' },
              ];
    return {
      sha: commitSha,
      index: i,
      date,
      author,
      files: i % 2 === 0 ? ['src/auth/session.ts'] : ['README.md'],
      checks,
      json: fill(TEMPLATES.commit, {
        ...v,
        sha: commitSha,
        parent: sha(owner, name, 'commit', i + 1),
        date,
        login: author,
        authorName: author,
        message,
      }),
    };
  });
  const runs: RunData[] = Array.from({ length: s.runs }, (_, i) => {
    const id = 30_433_000 + i;
    const failed = i === 0;
    const inProgress = i === 1;
    const workflowName = i % 3 === 2 ? 'Deploy' : 'CI';
    const createdAt = iso(BASE_TIME - i * 3_600_000 + 60_000);
    const updatedAt = iso(BASE_TIME - i * 3_600_000 + 60_000 + (200 + i) * 1000);
    const branch = i % 4 === 3 ? 'develop' : 'main';
    const status = inProgress ? 'in_progress' : 'completed';
    const conclusion = inProgress ? null : failed ? 'failure' : 'success';
    const commit = commits[i % Math.max(1, commits.length)];
    const headSha = commit?.sha ?? sha('run', i);
    const jobVars = {
      ...v,
      runId: id,
      sha: headSha,
      workflowName,
      branch,
      startedAt: createdAt,
      completedAt: updatedAt,
    };
    const step = (number: number, stepName: string, conclusion: string) => ({
      name: stepName,
      status: 'completed',
      conclusion,
      number,
      started_at: createdAt,
      completed_at: updatedAt,
    });
    const jobs = [
      {
        ...(fill(TEMPLATES.job, { ...jobVars, id: id * 10 + 1, name: 'build', conclusion: 'success' }) as object),
        steps: [
          step(1, 'Set up job', 'success'),
          step(2, 'Run actions/checkout@v4', 'success'),
          step(3, 'Run npm ci', 'success'),
          step(4, 'Complete job', 'success'),
        ],
      },
      {
        ...(fill(TEMPLATES.job, {
          ...jobVars,
          id: id * 10 + 2,
          name: 'test',
          conclusion: failed ? 'failure' : 'success',
        }) as object),
        steps: [
          step(1, 'Set up job', 'success'),
          step(2, 'Run npm ci', 'success'),
          step(3, 'Run npm test', failed ? 'failure' : 'success'),
          step(4, 'Post Run actions/checkout@v4', 'success'),
          step(5, 'Complete job', 'success'),
        ],
      },
    ];
    const json = fill(TEMPLATES.run, {
      ...v,
      id,
      workflowName,
      workflowFile: workflowName === 'CI' ? 'ci.yml' : 'deploy.yml',
      workflowId: workflowName === 'CI' ? 161335 : 161336,
      branch,
      sha: headSha,
      runNumber: 500 - i,
      event: i % 5 === 4 ? 'pull_request' : 'push',
      title: commit ? String((commit.json as { commit: { message: string } }).commit.message).split('\n')[0] : 'run',
      status,
      conclusion,
      createdAt,
      updatedAt,
      login: AUTHORS[i % 3],
    });
    return { id, branch, status, conclusion, workflowName, jobs, json };
  });
  const pullHeads = new Map<string, CommitData>();
  const pulls: PullData[] = Array.from({ length: s.pulls }, (_, i) => {
    const number = 40 + i;
    const headSha = sha(owner, name, 'pull', number);
    const checks: Vars[] =
      i === 0
        ? [{ name: 'test', status: 'completed', conclusion: 'success' }]
        : i === 1
          ? [{ name: 'test', status: 'in_progress', conclusion: null }]
          : [{ name: 'test', status: 'completed', conclusion: 'failure' }];
    pullHeads.set(headSha, {
      sha: headSha,
      index: -1,
      date: iso(BASE_TIME),
      author: 'hubot',
      files: [],
      checks,
      json: null,
    });
    const reviewStates =
      i === 0
        ? [
            ['hubot', 'CHANGES_REQUESTED'],
            ['hubot', 'APPROVED'],
            ['monalisa', 'APPROVED'],
          ]
        : i === 1
          ? [
              ['octocat', 'CHANGES_REQUESTED'],
              ['monalisa', 'APPROVED'],
            ]
          : [['octocat', 'COMMENTED']];
    const reviews = reviewStates.map(([login, reviewState], r) =>
      fill(TEMPLATES.review, {
        ...v,
        id: number * 100 + r,
        login,
        state: reviewState,
        number,
        sha: headSha,
        date: iso(BASE_TIME - (10 - r) * 60_000),
      }),
    );
    const json = fill(TEMPLATES.pull, {
      ...v,
      id: 1_000 + number,
      number,
      state: i === s.pulls - 1 && s.pulls > 2 ? 'closed' : 'open',
      title: `Feature ${number}`,
      login: AUTHORS[i % 3],
      branch: `feature/${number}`,
      headSha,
      baseSha: commits[0]?.sha ?? '',
      createdAt: iso(BASE_TIME - i * 86_400_000),
      updatedAt: iso(BASE_TIME - i * 3_600_000),
      draft: i === 1,
    }) as Record<string, unknown>;
    return { number, state: String(json.state), json, reviews };
  });
  return { commits, pullHeads, runs, pulls };
}
