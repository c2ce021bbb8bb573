import { describe, expect, it } from 'vitest';
import { buildPolicy } from '../../src/intents/policy-schema';
import { TEST_INTENT_POLICY } from '../support/intent-policy';

describe('buildPolicy', () => {
  it('defaults: 24 h proposals, the GPT never an approver, nothing deployable until a workflow is named', () => {
    const p = buildPolicy({});
    expect(p.proposalTtlSeconds).toBe(86_400);
    for (const kind of Object.values(p.kinds)) expect(kind.approvers).not.toContain('gpt');
    expect(p.targets).toEqual({});
  });

  it('merges kinds field by field and targets by name', () => {
    const p = buildPolicy({
      proposalTtlSeconds: 600,
      kinds: { deploy: { approvers: ['human'] } },
      targets: { prod: { workflow: 'prod.yml', ref: 'main' } },
    });
    expect(p.proposalTtlSeconds).toBe(600);
    expect(p.kinds.deploy).toMatchObject({ approvers: ['human'], executor: 'workflow', commitBinding: 'branch-head' });
    expect(p.targets.prod).toEqual({ workflow: 'prod.yml', ref: 'main', inputs: {} });
  });

  it('refuses unknown fields, bad values and incomplete new kinds, naming the path', () => {
    expect(() => buildPolicy({ approveEverything: true })).toThrow(/approveEverything/);
    expect(() => buildPolicy({ proposalTtlSeconds: 5 })).toThrow(/proposalTtlSeconds/);
    expect(() => buildPolicy({ kinds: { 'new-kind': { proposers: ['human'] } } })).toThrow(/kinds\.new-kind/);
    expect(() => buildPolicy({ deny: [{ rule: 'Bad Name', reason: 'x' }] })).toThrow(/deny\.0\.rule/);
  });
});

describe('the test policy (test/support/intent-policy.ts)', () => {
  it('builds, keeps the safety rules and offers the kinds and targets the scenarios pick', () => {
    const p = buildPolicy(TEST_INTENT_POLICY);
    for (const kind of Object.values(p.kinds)) expect(kind.approvers).not.toContain('gpt');
    expect(p.protectedBranches).toContain('main');
    expect(p.requireDifferentPerson).toBe(true);
    expect(p.kinds['checked-deploy']?.preflight).toEqual({ checksGreen: true, hostingHealthy: false });
    expect(p.kinds['purge-cache']?.preflight).toEqual({ checksGreen: false, hostingHealthy: true });
    expect(p.kinds.restart?.preflight).toEqual({ checksGreen: false, hostingHealthy: false });
    expect(Object.keys(p.targets).sort()).toEqual(['main', 'missing-workflow', 'staging']);
  });
});
