import { ApiError } from '../errors';
import type { LayerProbe } from '../status/probe';
import type { ReviewContext, SectionContent } from '../review/section';
import type { GitHubService } from './service';
import type { CommitSummary, RunSummary } from './shape';

/** What GitHub's status and review parts use: the visibility service (throws 501 when unconfigured). */
export interface GitHubAccess {
  github(): GitHubService;
}

/** GitHub in /ai/status: reachable (a conditional request, so usually free), and the rate limit left. */
export function githubProbe(services: GitHubAccess): LayerProbe {
  return {
    layer: 'github',
    critical: false,
    async check() {
      let github: GitHubService;
      try {
        github = services.github();
      } catch (error) {
        if (error instanceof ApiError && error.code === 'not_configured')
          return { state: 'unconfigured', reason: error.message, latencyMs: 0 };
        throw error;
      }
      try {
        const repo = github.repo();
        await github.client().repository(repo);
        const limit = await github.lastRateLimit();
        const low = limit !== null && limit.remaining < Math.max(50, limit.limit * 0.05);
        return {
          state: low ? 'degraded' : 'ok',
          reason: `${repo.full} answered${limit ? `; ${limit.remaining}/${limit.limit} requests left until ${limit.resetAt}` : ''}`,
          details: { repo: repo.full, rateLimit: limit },
        };
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        const state = error.code === 'rate_limited' ? 'degraded' : 'down';
        return { state, reason: error.message };
      }
    },
  };
}

/** A commit as the review and the digest list it: who, what, when, and its checks' state. */
export const commitBrief = ({ shortSha, title, author, date, checks }: CommitSummary) => ({
  shortSha,
  title,
  author,
  date,
  checks: checks.state,
});

/** A workflow run as the review and the digest list it. */
export const runBrief = ({ id, workflow, branch, status, conclusion, startedAt }: RunSummary) => ({
  id,
  workflow,
  branch,
  status,
  conclusion,
  startedAt,
});

/** The GitHub service, or the section content saying it is not configured (a fact, not a section failure). */
export function githubOrUnconfigured(services: GitHubAccess): GitHubService | SectionContent {
  try {
    return services.github();
  } catch (error) {
    if (error instanceof ApiError && error.code === 'not_configured')
      return { headline: error.message, data: { configured: false } };
    throw error;
  }
}

/** The review's GitHub part: the last commits (with checks) and workflow runs. */
export async function githubReviewSection({ services }: ReviewContext<GitHubAccess>): Promise<SectionContent> {
  const github = githubOrUnconfigured(services);
  if ('headline' in github) return github;
  const { body } = await github.activity(github.repo(), 5);
  const failing = body.runs.filter((run) => run.conclusion === 'failure');
  const head = body.commits[0];
  return {
    headline: `${body.repo}: last commit ${head ? `${head.shortSha} "${head.title}" (checks ${head.checks.state})` : 'none'}; ${failing.length} of the last ${body.runs.length} runs failed.`,
    data: {
      repo: body.repo,
      commits: body.commits.map(commitBrief),
      runs: body.runs.map(runBrief),
    },
  };
}
