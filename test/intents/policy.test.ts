import { describe, expect, it } from 'vitest';
import { decide, matchesPattern, type IntentFacts, type PolicyRequest } from '../../src/intents/policy';
import { DEFAULT_POLICY, buildPolicy, type IntentPolicy } from '../../src/intents/policy-schema';

const NOW = new Date('2026-01-01T12:00:00.000Z');
const LATER = new Date('2026-01-02T12:00:00.000Z');
const EARLIER = new Date('2026-01-01T11:00:00.000Z');
const SHA = 'a'.repeat(40);
const OTHER_SHA = 'b'.repeat(40);

const policy: IntentPolicy = buildPolicy({
  targets: {
    staging: { workflow: 'deploy.yml' },
    main: { workflow: 'deploy.yml' },
    'release/1': { workflow: 'deploy.yml' },
  },
});

const gpt = { client: 'gpt' as const };
const alice = { client: 'human' as const, person: 'alice' };
const aliceCursor = { client: 'cursor' as const, person: 'alice' };
const bob = { client: 'human' as const, person: 'bob' };
const cron = { client: 'cron' as const };

function intent(overrides: Partial<IntentFacts> = {}): IntentFacts {
  return {
    kind: 'deploy',
    target: 'staging',
    proposer: gpt,
    expiresAt: LATER,
    approvedCommit: SHA,
    approvalExpiresAt: LATER,
    ...overrides,
  };
}

function propose(
  actor: PolicyRequest['actor'],
  kind: string,
  target: string,
  parameters: Record<string, unknown> = {},
  p = policy,
) {
  return decide(p, { action: 'propose', actor, kind, target, parameters });
}

function execute(overrides: Partial<Extract<PolicyRequest, { action: 'execute' }>> = {}, p = policy) {
  return decide(p, {
    action: 'execute',
    actor: alice,
    intent: intent(),
    now: NOW,
    headCommit: SHA,
    executorConfigured: true,
    ...overrides,
  });
}

describe('decide: propose', () => {
  it('gpt-never-deploys-protected: the GPT may not deploy or roll back main, whatever the config', () => {
    const refused = propose(gpt, 'deploy', 'main');
    expect(refused).toMatchObject({ allowed: false, rule: 'gpt-never-deploys-protected' });
    expect(refused.reason).toMatch(/main/);
    expect(propose(gpt, 'rollback', 'main', { commit: SHA }).rule).toBe('gpt-never-deploys-protected');
    // Even with main removed from the configured list and a deny-nothing policy.
    const lax = buildPolicy({ protectedBranches: [], targets: { main: { workflow: 'd.yml' } } });
    expect(propose(gpt, 'deploy', 'main', {}, lax).rule).toBe('gpt-never-deploys-protected');
    // Configured protected patterns add to main.
    expect(
      propose(
        gpt,
        'deploy',
        'release/1',
        {},
        buildPolicy({ protectedBranches: ['release/*'], targets: { 'release/1': { workflow: 'd.yml' } } }),
      ).rule,
    ).toBe('gpt-never-deploys-protected');
  });

  it('gpt-never-deploys-protected: a target that is an alias for main counts as main', () => {
    const aliased = buildPolicy({ targets: { production: { workflow: 'deploy.yml', ref: 'main' } } });
    const refused = propose(gpt, 'deploy', 'production', {}, aliased);
    expect(refused).toMatchObject({ allowed: false, rule: 'gpt-never-deploys-protected' });
    expect(refused.reason).toMatch(/deploys main/);
    expect(propose(alice, 'deploy', 'production', {}, aliased)).toMatchObject({ allowed: true });
  });

  it('gpt-never-deploys-protected: other spellings of main count as main', () => {
    const spelled = buildPolicy({ targets: { 'refs/heads/main': { workflow: 'd.yml' }, Main: { workflow: 'd.yml' } } });
    expect(propose(gpt, 'deploy', 'refs/heads/main', {}, spelled).rule).toBe('gpt-never-deploys-protected');
    expect(propose(gpt, 'deploy', 'Main', {}, spelled).rule).toBe('gpt-never-deploys-protected');
    expect(
      propose(gpt, 'deploy', 'mainline', {}, buildPolicy({ targets: { mainline: { workflow: 'd.yml' } } })),
    ).toMatchObject({ allowed: true });
  });

  it('gpt-never-deploys-protected: allows the GPT elsewhere, and humans and Cursor on main', () => {
    expect(propose(gpt, 'deploy', 'staging')).toMatchObject({ allowed: true, rule: 'proposal-allowed' });
    expect(propose(alice, 'deploy', 'main')).toMatchObject({ allowed: true, rule: 'proposal-allowed' });
    expect(propose(aliceCursor, 'deploy', 'main')).toMatchObject({ allowed: true });
    // A hosting operation on an environment called main is not a code deploy.
    expect(propose(gpt, 'purge-cache', 'main')).toMatchObject({ allowed: true });
  });

  it('kind-known: refuses unknown kinds, allows configured ones (including new kinds)', () => {
    expect(propose(alice, 'launch-rockets', 'staging')).toMatchObject({ allowed: false, rule: 'kind-known' });
    const extended = buildPolicy({
      kinds: {
        'flush-queue': {
          executor: 'hosting',
          commitBinding: 'none',
          proposers: ['human'],
          approvers: ['cursor'],
          executors: ['human'],
          targets: ['*'],
        },
      },
    });
    expect(propose(alice, 'flush-queue', 'production', {}, extended)).toMatchObject({ allowed: true });
  });

  it('proposer-allowed: refuses a client not listed, allows a listed one', () => {
    const humansOnly = buildPolicy({ kinds: { restart: { proposers: ['human'] } } });
    expect(propose(gpt, 'restart', 'production', {}, humansOnly)).toMatchObject({
      allowed: false,
      rule: 'proposer-allowed',
    });
    expect(propose(alice, 'restart', 'production', {}, humansOnly)).toMatchObject({ allowed: true });
  });

  it("target-allowed: refuses a target outside the kind's patterns, allows one inside", () => {
    const scoped = buildPolicy({ kinds: { 'purge-cache': { targets: ['prod-*', 'staging'] } } });
    expect(propose(alice, 'purge-cache', 'dev', {}, scoped)).toMatchObject({ allowed: false, rule: 'target-allowed' });
    expect(propose(alice, 'purge-cache', 'prod-eu', {}, scoped)).toMatchObject({ allowed: true });
    expect(propose(alice, 'purge-cache', 'staging', {}, scoped)).toMatchObject({ allowed: true });
  });

  it('target-configured: a deploy needs a workflow for its target', () => {
    expect(propose(alice, 'deploy', 'feature/x')).toMatchObject({ allowed: false, rule: 'target-configured' });
    expect(propose(alice, 'deploy', 'staging')).toMatchObject({ allowed: true });
    expect(propose(alice, 'deploy', 'staging', {}, DEFAULT_POLICY)).toMatchObject({
      allowed: false,
      rule: 'target-configured',
    });
  });

  it('commit-parameter: a rollback names a commit, and gets through with one', () => {
    expect(propose(alice, 'rollback', 'staging')).toMatchObject({ allowed: false, rule: 'commit-parameter' });
    expect(propose(alice, 'rollback', 'staging', { commit: 'not-a-sha' })).toMatchObject({
      allowed: false,
      rule: 'commit-parameter',
    });
    expect(propose(alice, 'rollback', 'staging', { commit: SHA.slice(0, 10) })).toMatchObject({ allowed: true });
  });

  it('deny rules from configuration: hit by client+kind+target, missed otherwise', () => {
    const frozen = buildPolicy({
      targets: { staging: { workflow: 'deploy.yml' } },
      deny: [
        {
          rule: 'release-freeze',
          kinds: ['deploy'],
          targets: ['staging'],
          clients: ['cursor'],
          reason: 'Release freeze until Monday.',
        },
      ],
    });
    expect(propose(aliceCursor, 'deploy', 'staging', {}, frozen)).toEqual({
      allowed: false,
      rule: 'deny:release-freeze',
      reason: 'Release freeze until Monday.',
    });
    expect(propose(alice, 'deploy', 'staging', {}, frozen)).toMatchObject({ allowed: true });
    expect(propose(aliceCursor, 'restart', 'staging', {}, frozen)).toMatchObject({ allowed: true });
  });
});

describe('decide: approve', () => {
  const approve = (actor: PolicyRequest['actor'], facts: Partial<IntentFacts> = {}, p = policy, now = NOW) =>
    decide(p, {
      action: 'approve',
      actor,
      intent: intent({ approvedCommit: null, approvalExpiresAt: null, ...facts }),
      now,
    });

  it("gpt-never-approves: the GPT is refused, even for someone else's proposal; humans pass", () => {
    expect(approve(gpt, { proposer: alice })).toMatchObject({ allowed: false, rule: 'gpt-never-approves' });
    expect(approve(bob, { proposer: alice })).toMatchObject({ allowed: true, rule: 'approval-allowed' });
  });

  it('the policy schema refuses to let configuration make the GPT an approver', () => {
    expect(() => buildPolicy({ kinds: { deploy: { approvers: ['gpt', 'human'] } } })).toThrow(
      /gpt client can never approve/,
    );
  });

  it('approver-not-proposer: the same key identity is refused; another person passes', () => {
    expect(approve(alice, { proposer: alice })).toMatchObject({ allowed: false, rule: 'approver-not-proposer' });
    expect(approve(bob, { proposer: alice })).toMatchObject({ allowed: true });
  });

  it('approver-different-person (default): the same person through another client is refused, in any spelling', () => {
    expect(approve(aliceCursor, { proposer: alice })).toMatchObject({
      allowed: false,
      rule: 'approver-different-person',
    });
    expect(approve({ client: 'cursor', person: 'Alice' }, { proposer: alice })).toMatchObject({
      rule: 'approver-different-person',
    });
    expect(approve(bob, { proposer: alice })).toMatchObject({ allowed: true });
    // A person is compared only when both are known: a shared key names nobody.
    expect(approve(alice, { proposer: gpt })).toMatchObject({ allowed: true });
    expect(approve({ client: 'cursor' }, { proposer: alice })).toMatchObject({ allowed: true });
  });

  it('requireDifferentPerson: false relaxes four eyes to different key identities (client + person)', () => {
    const relaxed = buildPolicy({ requireDifferentPerson: false });
    expect(approve(aliceCursor, { proposer: alice }, relaxed)).toMatchObject({ allowed: true });
    expect(approve(alice, { proposer: alice }, relaxed)).toMatchObject({ rule: 'approver-not-proposer' });
  });

  it('proposal-lifetime: an expired proposal cannot be approved (and is to expire); a live one can', () => {
    expect(approve(bob, { proposer: alice, expiresAt: EARLIER })).toMatchObject({
      allowed: false,
      rule: 'proposal-lifetime',
      effect: 'expire',
    });
    expect(approve(bob, { proposer: alice, expiresAt: NOW })).toMatchObject({
      allowed: false,
      rule: 'proposal-lifetime',
    });
    expect(approve(bob, { proposer: alice, expiresAt: new Date(NOW.getTime() + 1) })).toMatchObject({ allowed: true });
  });

  it('kind-known: a kind dropped from the policy cannot be approved', () => {
    expect(approve(bob, { proposer: alice, kind: 'gone' })).toMatchObject({ allowed: false, rule: 'kind-known' });
  });

  it('approver-allowed: a client not among the approvers is refused', () => {
    const humansOnly = buildPolicy({ kinds: { deploy: { approvers: ['human'] } } });
    expect(approve(aliceCursor, { proposer: gpt }, humansOnly)).toMatchObject({
      allowed: false,
      rule: 'approver-allowed',
    });
    expect(approve(cron, { proposer: gpt })).toMatchObject({ allowed: false, rule: 'approver-allowed' });
    expect(approve(alice, { proposer: gpt }, humansOnly)).toMatchObject({ allowed: true });
  });
});

describe('decide: reject and cancel', () => {
  it('rejecter-allowed: only a client that may approve rejects', () => {
    expect(decide(policy, { action: 'reject', actor: gpt, intent: intent({ proposer: alice }) })).toMatchObject({
      allowed: false,
      rule: 'rejecter-allowed',
    });
    expect(decide(policy, { action: 'reject', actor: cron, intent: intent({ proposer: alice }) })).toMatchObject({
      allowed: false,
      rule: 'rejecter-allowed',
    });
    expect(decide(policy, { action: 'reject', actor: bob, intent: intent({ proposer: alice }) })).toMatchObject({
      allowed: true,
      rule: 'rejection-allowed',
    });
  });

  it('canceller-allowed: the proposer or an approver-client cancels; anyone else is refused', () => {
    expect(decide(policy, { action: 'cancel', actor: gpt, intent: intent({ proposer: gpt }) })).toMatchObject({
      allowed: true,
      rule: 'cancellation-allowed',
    });
    expect(decide(policy, { action: 'cancel', actor: bob, intent: intent({ proposer: gpt }) })).toMatchObject({
      allowed: true,
    });
    expect(decide(policy, { action: 'cancel', actor: gpt, intent: intent({ proposer: alice }) })).toMatchObject({
      allowed: false,
      rule: 'canceller-allowed',
    });
    expect(decide(policy, { action: 'cancel', actor: cron, intent: intent({ proposer: alice }) })).toMatchObject({
      allowed: false,
      rule: 'canceller-allowed',
    });
  });
});

describe('decide: execute', () => {
  it('allows an approved, current, live execution', () => {
    expect(execute()).toMatchObject({ allowed: true, rule: 'execution-allowed' });
  });

  it('gpt-never-deploys-protected: the GPT may not run a deploy to main even once approved; others may', () => {
    const toMain = intent({ target: 'main', proposer: alice });
    expect(execute({ actor: gpt, intent: toMain })).toMatchObject({
      allowed: false,
      rule: 'gpt-never-deploys-protected',
    });
    expect(execute({ actor: bob, intent: toMain })).toMatchObject({ allowed: true });
    expect(execute({ actor: gpt, intent: intent({ target: 'staging' }) })).toMatchObject({ allowed: true });
    expect(execute({ actor: gpt, intent: intent({ kind: 'restart', target: 'main' }) })).toMatchObject({
      allowed: true,
    });
  });

  it('kind-known', () => {
    expect(execute({ intent: intent({ kind: 'gone' }) })).toMatchObject({ allowed: false, rule: 'kind-known' });
  });

  it('executor-allowed: a client not among the executors is refused', () => {
    const humansRun = buildPolicy({
      targets: { staging: { workflow: 'd.yml' } },
      kinds: { deploy: { executors: ['human'] } },
    });
    expect(execute({ actor: gpt }, humansRun)).toMatchObject({ allowed: false, rule: 'executor-allowed' });
    expect(execute({ actor: alice }, humansRun)).toMatchObject({ allowed: true });
  });

  it('executor-configured: refuses when the port that would run it is not configured', () => {
    expect(execute({ executorConfigured: false })).toMatchObject({ allowed: false, rule: 'executor-configured' });
    expect(execute({ executorConfigured: false, intent: intent({ kind: 'restart' }) }).reason).toMatch(/hosting/i);
  });

  it('approval-lifetime: a lapsed approval needs approval again (or expires with the proposal)', () => {
    expect(execute({ intent: intent({ approvalExpiresAt: EARLIER }) })).toMatchObject({
      allowed: false,
      rule: 'approval-lifetime',
      effect: 'reapprove',
    });
    expect(execute({ intent: intent({ approvalExpiresAt: EARLIER, expiresAt: EARLIER }) })).toMatchObject({
      rule: 'approval-lifetime',
      effect: 'expire',
    });
    expect(execute({ intent: intent({ approvalExpiresAt: null }) })).toMatchObject({
      allowed: false,
      rule: 'approval-lifetime',
    });
    expect(execute({ intent: intent({ approvalExpiresAt: new Date(NOW.getTime() + 1) }) })).toMatchObject({
      allowed: true,
    });
  });

  it('approval-bound-to-commit: a moved branch head needs approval again; the approved head passes', () => {
    const moved = execute({ headCommit: OTHER_SHA });
    expect(moved).toMatchObject({ allowed: false, rule: 'approval-bound-to-commit', effect: 'reapprove' });
    expect(moved.reason).toContain(OTHER_SHA.slice(0, 12));
    expect(execute({ headCommit: SHA })).toMatchObject({ allowed: true });
    // A rollback is bound to its parameter, not to the head.
    expect(execute({ headCommit: OTHER_SHA, intent: intent({ kind: 'rollback' }) })).toMatchObject({ allowed: true });
  });

  it('preflight-checks-green: when required, only success passes', () => {
    const checked = buildPolicy({
      targets: { staging: { workflow: 'd.yml' } },
      kinds: { deploy: { preflight: { checksGreen: true, hostingHealthy: false } } },
    });
    for (const checks of ['pending', 'failure', 'error', undefined] as const) {
      expect(execute({ checks }, checked)).toMatchObject({ allowed: false, rule: 'preflight-checks-green' });
    }
    expect(execute({ checks: 'success' }, checked)).toMatchObject({ allowed: true });
    expect(execute({ checks: 'failure' })).toMatchObject({ allowed: true }); // not required by default
  });

  it('preflight-hosting-healthy: when required, only healthy passes', () => {
    const checked = buildPolicy({
      targets: { staging: { workflow: 'd.yml' } },
      kinds: { deploy: { preflight: { checksGreen: false, hostingHealthy: true } } },
    });
    for (const hosting of ['unhealthy', 'not_configured', undefined] as const) {
      expect(execute({ hosting }, checked)).toMatchObject({ allowed: false, rule: 'preflight-hosting-healthy' });
    }
    expect(execute({ hosting: 'healthy' }, checked)).toMatchObject({ allowed: true });
  });
});

describe('matchesPattern', () => {
  it('matchesPattern: exact, prefix* and *', () => {
    expect(matchesPattern('main', 'main')).toBe(true);
    expect(matchesPattern('main', 'main2')).toBe(false);
    expect(matchesPattern('release/*', 'release/1.2')).toBe(true);
    expect(matchesPattern('release/*', 'hotfix/1')).toBe(false);
    expect(matchesPattern('*', 'anything')).toBe(true);
  });
});
