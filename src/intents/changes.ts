import type { RepoRef } from '../github/client';
import type { ComparisonAnswer } from '../github/answers';
import type { Answered, GitHubService } from '../github/service';
import { redactSecrets } from '../redaction/secrets';
import { kindPolicy, targetRef, type IntentPolicy } from './policy';
import type { IntentService } from './service';
import type { IntentView } from './view';

/** Where the commit an approval would bind comes from. */
export type ShippingSource = 'approval' | 'parameter' | 'branch-head';

/** What the target runs now: the commit of its last succeeded deploy or rollback, else its branch head. */
export type RunningCommit =
  | { commit: string; source: 'last-succeeded-intent'; intentId: string; at: string }
  | { commit: string; source: 'branch-head'; ref: string };

export interface IntentChanges {
  /** One line: how many commits and files would ship (or be taken back) on which target. */
  summary: string;
  intent: { id: string; kind: string; target: string; state: string };
  running: RunningCommit;
  shipping: { commit: string; source: ShippingSource };
  /** `adds`: shipping is ahead of what runs; `removes`: it goes back (a rollback); `diverged`; `none`: same commit. */
  direction: 'adds' | 'removes' | 'diverged' | 'none';
  comparison: ComparisonAnswer;
  truncated: boolean;
}

/** The intent names no commit to compare: its kind ships none, or its parameters lack one. The message says which. */
export class NothingToCompare extends Error {
  constructor(
    readonly intentId: string,
    message: string,
  ) {
    super(message);
    this.name = 'NothingToCompare';
  }
}

export interface IntentChangesDeps {
  intents: Pick<IntentService, 'get' | 'lastShipped'>;
  github: Pick<GitHubService, 'comparison' | 'client'>;
  repo: RepoRef;
  policy: IntentPolicy;
}

/**
 * What approving a deploy or rollback would change on its target: GitHub's comparison between what the
 * target runs now and the commit the approval binds. A comparison that goes backwards is read the other
 * way round, so the commits listed are always the ones that would appear or disappear.
 */
export async function intentChanges(deps: IntentChangesDeps, id: string): Promise<Answered<IntentChanges>> {
  const { intent } = await deps.intents.get(id);
  const binding = kindPolicy(deps.policy, intent.kind)?.commitBinding ?? 'none';
  if (binding === 'none') {
    throw new NothingToCompare(
      id,
      `Intent ${id} is a ${intent.kind}: it ships no commits, so there is nothing to compare.`,
    );
  }
  const ref = targetRef(deps.policy, intent.target);
  const gh = deps.github.client();
  const shipping = await shippingCommit(intent, binding, () => gh.branchHead(deps.repo, ref).then((head) => head.sha));
  const last = await deps.intents.lastShipped(intent.target, intent.id);
  const running: RunningCommit = last
    ? { commit: last.commit, source: 'last-succeeded-intent', intentId: last.intent.id, at: last.intent.updatedAt }
    : { commit: (await gh.branchHead(deps.repo, ref)).sha, source: 'branch-head', ref };

  let answered = await deps.github.comparison(deps.repo, running.commit, shipping.commit);
  let direction: IntentChanges['direction'] =
    answered.body.status === 'identical' ? 'none' : answered.body.status === 'diverged' ? 'diverged' : 'adds';
  if (answered.body.status === 'behind') {
    // Shipping is older than what runs: list what would disappear.
    answered = await deps.github.comparison(deps.repo, shipping.commit, running.commit);
    direction = 'removes';
  }
  const comparison = redactComparison(answered.body);
  return {
    ...answered,
    body: {
      summary: summaryOf(intent, direction, comparison),
      intent: { id: intent.id, kind: intent.kind, target: intent.target, state: intent.state },
      running,
      shipping,
      direction,
      comparison,
      truncated: comparison.truncated,
    },
  };
}

async function shippingCommit(
  intent: IntentView,
  binding: 'branch-head' | 'parameter',
  branchHead: () => Promise<string>,
): Promise<IntentChanges['shipping']> {
  if (intent.approval?.commit) return { commit: intent.approval.commit, source: 'approval' };
  if (binding === 'parameter') {
    const commit = intent.parameters.commit;
    if (typeof commit !== 'string' || !/^[0-9a-f]{7,40}$/i.test(commit)) {
      throw new NothingToCompare(intent.id, `Intent ${intent.id} names no commit in parameters.commit.`);
    }
    return { commit: commit.toLowerCase(), source: 'parameter' };
  }
  // A deploy binds the branch head at approval time: that is what an approval now would ship.
  return { commit: await branchHead(), source: 'branch-head' };
}

/** Commit titles, authors and paths go to the GPT too: pass them through the secret scanner. */
function redactComparison(comparison: ComparisonAnswer): ComparisonAnswer {
  const clean = (text: string) => redactSecrets(text).text;
  return {
    ...comparison,
    commits: comparison.commits.map((commit) => ({
      ...commit,
      title: clean(commit.title),
      author: clean(commit.author),
    })),
    files: comparison.files.map((file) => ({
      ...file,
      path: clean(file.path),
      ...(file.previousPath ? { previousPath: clean(file.previousPath) } : {}),
    })),
  };
}

function summaryOf(intent: IntentView, direction: IntentChanges['direction'], comparison: ComparisonAnswer): string {
  if (direction === 'none')
    return `${intent.kind} ${intent.target}: the target already runs this commit; nothing would change.`;
  const additions = comparison.files.reduce((sum, file) => sum + file.additions, 0);
  const deletions = comparison.files.reduce((sum, file) => sum + file.deletions, 0);
  const counted = `${comparison.totalCommits} commit${comparison.totalCommits === 1 ? '' : 's'}, ${comparison.files.length}${comparison.truncated ? '+' : ''} file${comparison.files.length === 1 ? '' : 's'} (+${additions} −${deletions})`;
  if (direction === 'removes') return `${intent.kind} ${intent.target}: would take back ${counted}.`;
  if (direction === 'diverged')
    return `${intent.kind} ${intent.target}: would ship ${counted} and drop ${comparison.behindBy} commit${comparison.behindBy === 1 ? '' : 's'} the target runs now.`;
  return `${intent.kind} ${intent.target}: would ship ${counted}.`;
}
