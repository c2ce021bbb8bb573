import type { Services } from '../services';
import type { ReviewContext, ReviewSection, SectionContent } from '../review/section';
import { commitBrief, githubOrUnconfigured, runBrief, type GitHubAccess } from '../github/status';
import { healthSection } from '../review/sections';
import { indexReviewSection } from '../code-index/status';

/** Commits and runs listed per digest; more are counted, not listed. */
const LISTED = 20;

/** The digest's GitHub part: commits and workflow runs since `since` (not configured is a fact, not a failure). */
function changesSection(since: Date) {
  return async ({ services }: ReviewContext<GitHubAccess>): Promise<SectionContent> => {
    const github = githubOrUnconfigured(services);
    if ('headline' in github) return github;
    const repo = github.repo();
    const [commits, runs] = await Promise.all([
      github.commits(repo, { since: since.toISOString() }, LISTED),
      github.runs(repo, {}, LISTED),
    ]);
    const newRuns = runs.body.runs.filter((run) => run.startedAt !== null && Date.parse(run.startedAt) >= +since);
    const failed = newRuns.filter((run) => run.conclusion === 'failure');
    return {
      headline: `${repo.full}: ${commits.body.commits.length}${commits.body.truncated ? '+' : ''} commit(s) and ${newRuns.length} workflow run(s) since ${since.toISOString()}, ${failed.length} failed.`,
      data: {
        repo: repo.full,
        commits: commits.body.commits.map(commitBrief),
        commitsTruncated: commits.body.truncated,
        runs: newRuns.map(runBrief),
      },
    };
  };
}

/** What happened to intents since `since`, from the audit timeline (proposals, decisions, executions, outcomes). */
function intentsSection(since: Date) {
  return async ({ services, caller }: ReviewContext<Pick<Services, 'audit'>>): Promise<SectionContent> => {
    const { entries, hasMore } = await services.audit(caller).list({ action: 'intent.*', since, limit: LISTED });
    const byAction: Record<string, number> = {};
    for (const entry of entries) byAction[entry.action] = (byAction[entry.action] ?? 0) + 1;
    const counted = Object.entries(byAction).map(([action, n]) => `${n} ${action.replace(/^intent\./, '')}`);
    return {
      headline: entries.length
        ? `Intents since ${since.toISOString()}: ${counted.join(', ')}${hasMore ? ' (and more)' : ''}.`
        : `No intent changed since ${since.toISOString()}.`,
      data: {
        byAction,
        truncated: hasMore,
        recent: entries.map(({ at, action, target, summary }) => ({ at, action, target, summary })),
      },
    };
  };
}

/** The digest: a status check, then what changed since `since` (commits, runs, intents) and the index's state. */
export function digestSections(since: Date): ReviewSection<Services>[] {
  return [
    { name: 'health', priority: 1, build: healthSection },
    { name: 'changes', priority: 2, build: changesSection(since) },
    { name: 'intents', priority: 2, build: intentsSection(since) },
    { name: 'index', priority: 3, build: indexReviewSection },
  ];
}
