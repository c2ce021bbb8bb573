import type { Client } from '../auth/keys';
import type { IntentPolicy, KindPolicy, TargetConfig } from './policy-schema';

export type { IntentPolicy } from './policy-schema';

/**
 * The intent policy: data (./policy-schema.ts: a safe default, overridable through the
 * INTENT_POLICY variable) and ONE pure function, `decide`, that turns a request
 * plus the facts gathered for it into a decision naming the rule that decided.
 */

/** Branches the GPT may never deploy to, whatever the configuration says. */
export const ALWAYS_PROTECTED = ['main'] as const;

/**
 * A kind's policy by name, or undefined: own entries only, so `constructor`, `toString` or `__proto__`
 * sent as a kind are unknown kinds, not members of Object.prototype (the policy may cross an RPC
 * boundary, which gives any null-prototype map its prototype back, so the lookup itself is guarded).
 */
export function kindPolicy(policy: IntentPolicy, kind: string): KindPolicy | undefined {
  return Object.hasOwn(policy.kinds, kind) ? policy.kinds[kind] : undefined;
}

/** A target's configuration by name (own entries only, as for kinds), or undefined. */
export function targetConfig(policy: IntentPolicy, target: string): TargetConfig | undefined {
  return Object.hasOwn(policy.targets, target) ? policy.targets[target] : undefined;
}

export function matchesPattern(pattern: string, name: string): boolean {
  if (pattern === '*') return true;
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

/** How GitHub may be handed a branch: `refs/heads/main`, `Main`; compared as one name for protection. */
const branchName = (name: string) => name.replace(/^refs\/heads\//i, '').toLowerCase();

const matchesAny = (patterns: readonly string[], name: string) => patterns.some((p) => matchesPattern(p, name));

export interface Identity {
  client: Client;
  person?: string;
}

export const identityLabel = (who: Identity) => (who.person ? `${who.client}:${who.person}` : who.client);

/** Whether two identities are known to be one person, whichever clients they used (unknown is never the same). */
export function samePerson(a: Identity, b: Identity): boolean {
  return a.person !== undefined && b.person !== undefined && a.person.toLowerCase() === b.person.toLowerCase();
}

/** What the policy needs to know about an existing intent. */
export interface IntentFacts {
  kind: string;
  target: string;
  proposer: Identity;
  expiresAt: Date;
  approvedCommit?: string | null;
  approvalExpiresAt?: Date | null;
}

export type PolicyRequest =
  | { action: 'propose'; actor: Identity; kind: string; target: string; parameters: Record<string, unknown> }
  | { action: 'approve'; actor: Identity; intent: IntentFacts; now: Date }
  | { action: 'reject'; actor: Identity; intent: IntentFacts }
  | { action: 'cancel'; actor: Identity; intent: IntentFacts }
  | {
      action: 'execute';
      actor: Identity;
      intent: IntentFacts;
      now: Date;
      /** The target branch's head now (branch-head binding only). */
      headCommit?: string;
      /** Combined status of the approved commit, when the checks preflight applies. */
      checks?: 'success' | 'pending' | 'failure' | 'error';
      /** Hosting health, when the hosting preflight applies. */
      hosting?: 'healthy' | 'unhealthy' | 'not_configured';
      /** Whether the port that would run this kind is configured at all. */
      executorConfigured: boolean;
    };

export type PolicyAction = PolicyRequest['action'];

export interface Decision {
  allowed: boolean;
  /** The rule that decided: the first that denied, or the action's `*-allowed` rule. */
  rule: string;
  reason: string;
  /** What a denial does to the intent: nothing, back to `proposed` (needs approval again) or `expired`. */
  effect?: 'reapprove' | 'expire';
}

const deny = (rule: string, reason: string, effect?: Decision['effect']): Decision => ({
  allowed: false,
  rule,
  reason,
  ...(effect ? { effect } : {}),
});
const allow = (rule: string, reason: string): Decision => ({ allowed: true, rule, reason });

/** The one place intent decisions are made. Pure: same policy and request, same decision. */
export function decide(policy: IntentPolicy, request: PolicyRequest): Decision {
  switch (request.action) {
    case 'propose':
      return decidePropose(policy, request);
    case 'approve':
      return decideApprove(policy, request);
    case 'reject':
      return decideReject(policy, request);
    case 'cancel':
      return decideCancel(policy, request);
    case 'execute':
      return decideExecute(policy, request);
  }
}

function decidePropose(policy: IntentPolicy, r: Extract<PolicyRequest, { action: 'propose' }>): Decision {
  const kind = kindPolicy(policy, r.kind);
  const deploysCode = kind ? kind.executor === 'workflow' : r.kind === 'deploy' || r.kind === 'rollback';
  const guarded = r.actor.client === 'gpt' && deploysCode ? protectedVia(policy, r.target) : undefined;
  if (guarded !== undefined) {
    return deny(
      'gpt-never-deploys-protected',
      `The GPT may not propose a ${r.kind} to ${r.target}${guarded}: it is a protected branch; ask a human or Cursor to propose it.`,
    );
  }
  if (!kind)
    return deny('kind-known', `Unknown intent kind "${r.kind}" (known: ${Object.keys(policy.kinds).join(', ')}).`);
  if (!kind.proposers.includes(r.actor.client)) {
    return deny(
      'proposer-allowed',
      `The ${r.actor.client} client may not propose ${r.kind} (allowed: ${kind.proposers.join(', ') || 'nobody'}).`,
    );
  }
  if (!matchesAny(kind.targets, r.target)) {
    return deny(
      'target-allowed',
      `${r.kind} is not allowed for target ${r.target} (allowed: ${kind.targets.join(', ')}).`,
    );
  }
  if (kind.executor === 'workflow' && !targetConfig(policy, r.target)) {
    return deny(
      'target-configured',
      `No deployment workflow is configured for target ${r.target}; configure it in INTENT_POLICY.targets.`,
    );
  }
  if (kind.commitBinding === 'parameter') {
    const commit = r.parameters.commit;
    if (typeof commit !== 'string' || !/^[0-9a-f]{7,40}$/i.test(commit)) {
      return deny(
        'commit-parameter',
        `A ${r.kind} names the commit it goes to in parameters.commit (7-40 hex digits).`,
      );
    }
  }
  for (const rule of policy.deny) {
    const hit =
      (!rule.clients || rule.clients.includes(r.actor.client)) &&
      (!rule.kinds || rule.kinds.includes(r.kind)) &&
      (!rule.targets || matchesAny(rule.targets, r.target));
    if (hit) return deny(`deny:${rule.rule}`, rule.reason);
  }
  return allow('proposal-allowed', `${identityLabel(r.actor)} may propose ${r.kind} to ${r.target}.`);
}

/** The branch a target's workflow runs on: its configured `ref`, else the target's own name. */
export function targetRef(policy: IntentPolicy, target: string): string {
  return targetConfig(policy, target)?.ref ?? target;
}

/**
 * Whether a target deploys a protected branch, by its own name or the ref its
 * workflow runs on (a target may be an alias). Returns undefined when it does
 * not, else a note naming the ref when the alias hid it.
 */
function protectedVia(policy: IntentPolicy, target: string): string | undefined {
  const protectedBranches = [...ALWAYS_PROTECTED, ...policy.protectedBranches];
  const isProtected = (name: string) => protectedBranches.some((p) => matchesPattern(branchName(p), branchName(name)));
  const ref = targetRef(policy, target);
  if (isProtected(target)) return '';
  if (isProtected(ref)) return ` (it deploys ${ref})`;
  return undefined;
}

function decideApprove(policy: IntentPolicy, r: Extract<PolicyRequest, { action: 'approve' }>): Decision {
  if (r.actor.client === 'gpt')
    return deny('gpt-never-approves', 'The GPT can propose but never approve; a human or Cursor must approve.');
  if (identityLabel(r.actor) === identityLabel(r.intent.proposer)) {
    return deny(
      'approver-not-proposer',
      `${identityLabel(r.actor)} proposed this intent and cannot also approve it; another identity must.`,
    );
  }
  if (policy.requireDifferentPerson && samePerson(r.actor, r.intent.proposer)) {
    return deny(
      'approver-different-person',
      `${r.actor.person} proposed this intent (as ${identityLabel(r.intent.proposer)}) and cannot approve it through another client; a different person must.`,
    );
  }
  if (r.now.getTime() >= r.intent.expiresAt.getTime()) {
    return deny(
      'proposal-lifetime',
      `The proposal expired at ${r.intent.expiresAt.toISOString()}; propose it again.`,
      'expire',
    );
  }
  const kind = kindPolicy(policy, r.intent.kind);
  if (!kind) return deny('kind-known', `Intent kind "${r.intent.kind}" is no longer in the policy.`);
  if (!kind.approvers.includes(r.actor.client)) {
    return deny(
      'approver-allowed',
      `The ${r.actor.client} client may not approve ${r.intent.kind} (allowed: ${kind.approvers.join(', ') || 'nobody'}).`,
    );
  }
  return allow(
    'approval-allowed',
    `${identityLabel(r.actor)} may approve this ${r.intent.kind} proposed by ${identityLabel(r.intent.proposer)}.`,
  );
}

function decideReject(policy: IntentPolicy, r: Extract<PolicyRequest, { action: 'reject' }>): Decision {
  const kind = kindPolicy(policy, r.intent.kind);
  if (!kind || !kind.approvers.includes(r.actor.client)) {
    return deny(
      'rejecter-allowed',
      `Only a client that may approve ${r.intent.kind} may reject it (${kind?.approvers.join(', ') || 'nobody'}); the proposer can cancel instead.`,
    );
  }
  return allow('rejection-allowed', `${identityLabel(r.actor)} may reject this ${r.intent.kind}.`);
}

function decideCancel(policy: IntentPolicy, r: Extract<PolicyRequest, { action: 'cancel' }>): Decision {
  const isProposer = identityLabel(r.actor) === identityLabel(r.intent.proposer);
  const mayApprove = kindPolicy(policy, r.intent.kind)?.approvers.includes(r.actor.client) ?? false;
  if (!isProposer && !mayApprove) {
    return deny('canceller-allowed', 'Only the proposer, or a client that may approve this kind, may cancel it.');
  }
  return allow(
    'cancellation-allowed',
    `${identityLabel(r.actor)} may cancel this ${r.intent.kind}${isProposer ? ' (own proposal)' : ''}.`,
  );
}

function decideExecute(policy: IntentPolicy, r: Extract<PolicyRequest, { action: 'execute' }>): Decision {
  const kind = kindPolicy(policy, r.intent.kind);
  if (!kind) return deny('kind-known', `Intent kind "${r.intent.kind}" is no longer in the policy.`);
  const guarded =
    r.actor.client === 'gpt' && kind.executor === 'workflow' ? protectedVia(policy, r.intent.target) : undefined;
  if (guarded !== undefined) {
    return deny(
      'gpt-never-deploys-protected',
      `The GPT may not run a ${r.intent.kind} to ${r.intent.target}${guarded}, even approved; a human or Cursor must execute it.`,
    );
  }
  if (!kind.executors.includes(r.actor.client)) {
    return deny(
      'executor-allowed',
      `The ${r.actor.client} client may not execute ${r.intent.kind} (allowed: ${kind.executors.join(', ') || 'nobody'}).`,
    );
  }
  if (!r.executorConfigured) {
    return deny(
      'executor-configured',
      kind.executor === 'workflow'
        ? 'GitHub is not configured (GITHUB_TOKEN, GITHUB_REPO), so no workflow can be dispatched.'
        : 'No hosting adapter is configured, so hosting operations cannot run.',
    );
  }
  if (!r.intent.approvalExpiresAt || r.now.getTime() >= r.intent.approvalExpiresAt.getTime()) {
    const proposalLive = r.now.getTime() < r.intent.expiresAt.getTime();
    return deny(
      'approval-lifetime',
      `The approval lapsed${r.intent.approvalExpiresAt ? ` at ${r.intent.approvalExpiresAt.toISOString()}` : ''}; it needs approval again.`,
      proposalLive ? 'reapprove' : 'expire',
    );
  }
  if (kind.commitBinding === 'branch-head' && r.headCommit !== r.intent.approvedCommit) {
    return deny(
      'approval-bound-to-commit',
      `${r.intent.target} moved from ${short(r.intent.approvedCommit)} (approved) to ${short(r.headCommit)}; the new commit needs approval.`,
      'reapprove',
    );
  }
  if (kind.preflight.checksGreen && r.checks !== 'success') {
    return deny(
      'preflight-checks-green',
      `Checks on ${short(r.intent.approvedCommit)} are ${r.checks ?? 'unknown'}, not success; wait for them or fix them.`,
    );
  }
  if (kind.preflight.hostingHealthy && r.hosting !== 'healthy') {
    return deny(
      'preflight-hosting-healthy',
      `Hosting is ${r.hosting ?? 'unknown'}; the policy requires it healthy before ${r.intent.kind}.`,
    );
  }
  return allow('execution-allowed', `${identityLabel(r.actor)} may execute this approved ${r.intent.kind}.`);
}

function short(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 12) : 'unknown';
}
