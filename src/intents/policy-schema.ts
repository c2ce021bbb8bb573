import { z } from 'zod';
import { CLIENTS, type Client } from '../auth/keys';

/**
 * The intent policy as data: its schema, the safe default, and the INTENT_POLICY override merged onto it.
 * The decisions it drives are made in ./policy.ts.
 */

const Pattern = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._/-]+\*?$|^\*$/, 'a target pattern is a name, a prefix ending in *, or *');

const ClientList = z.array(z.enum(CLIENTS));

export const KindPolicySchema = z.object({
  /** How it runs: a GitHub Actions workflow for the target, or a hosting operation. */
  executor: z.enum(['workflow', 'hosting']),
  /** Which commit an approval is bound to: the target branch's head, `parameters.commit`, or none. */
  commitBinding: z.enum(['branch-head', 'parameter', 'none']),
  proposers: ClientList,
  approvers: ClientList.refine((list) => !list.includes('gpt'), 'the gpt client can never approve'),
  executors: ClientList,
  targets: z.array(Pattern).min(1),
  preflight: z
    .object({ checksGreen: z.boolean().default(false), hostingHealthy: z.boolean().default(false) })
    .default({ checksGreen: false, hostingHealthy: false }),
});
export type KindPolicy = z.infer<typeof KindPolicySchema>;

export const TargetConfigSchema = z.object({
  /** Workflow file name (deploy.yml) or numeric id, dispatched with workflow_dispatch. */
  workflow: z.string().min(1).max(200),
  /** The branch the workflow runs on; defaults to the target's name. */
  ref: z.string().min(1).max(200).optional(),
  /** Extra workflow inputs; `commit` and `intent` are always added. */
  inputs: z.record(z.string(), z.string()).default({}),
});
export type TargetConfig = z.infer<typeof TargetConfigSchema>;

export const DenyRuleSchema = z.object({
  rule: z.string().regex(/^[a-z0-9-]{1,60}$/, 'a deny rule name is lowercase letters, digits and dashes'),
  clients: ClientList.optional(),
  kinds: z.array(z.string()).optional(),
  targets: z.array(Pattern).optional(),
  reason: z.string().min(1).max(300),
});
export type DenyRule = z.infer<typeof DenyRuleSchema>;

export const IntentPolicySchema = z.object({
  proposalTtlSeconds: z
    .number()
    .int()
    .min(60)
    .max(30 * 86_400),
  approvalTtlSeconds: z
    .number()
    .int()
    .min(60)
    .max(30 * 86_400),
  /** Branches the GPT may not propose deploys or rollbacks to (main is always among them). */
  protectedBranches: z.array(Pattern),
  /**
   * Four eyes by person (default true): the approver must be a different person from the proposer whenever
   * both are known, whichever client each used. false relaxes it to a different key identity (client + person).
   */
  requireDifferentPerson: z.boolean(),
  kinds: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,39}$/), KindPolicySchema),
  targets: z.record(z.string().min(1).max(200), TargetConfigSchema),
  deny: z.array(DenyRuleSchema),
});
export type IntentPolicy = z.infer<typeof IntentPolicySchema>;

const everyone: Client[] = ['gpt', 'cursor', 'human', 'cron'];
const deciders: Client[] = ['human', 'cursor'];

export const DEFAULT_POLICY: IntentPolicy = {
  proposalTtlSeconds: 24 * 3600,
  approvalTtlSeconds: 3600,
  protectedBranches: ['main'],
  requireDifferentPerson: true,
  kinds: {
    deploy: {
      executor: 'workflow',
      commitBinding: 'branch-head',
      proposers: everyone,
      approvers: deciders,
      executors: everyone,
      targets: ['*'],
      preflight: { checksGreen: false, hostingHealthy: false },
    },
    rollback: {
      executor: 'workflow',
      commitBinding: 'parameter',
      proposers: everyone,
      approvers: deciders,
      executors: everyone,
      targets: ['*'],
      preflight: { checksGreen: false, hostingHealthy: false },
    },
    'purge-cache': {
      executor: 'hosting',
      commitBinding: 'none',
      proposers: everyone,
      approvers: deciders,
      executors: everyone,
      targets: ['*'],
      preflight: { checksGreen: false, hostingHealthy: false },
    },
    restart: {
      executor: 'hosting',
      commitBinding: 'none',
      proposers: everyone,
      approvers: deciders,
      executors: everyone,
      targets: ['*'],
      preflight: { checksGreen: false, hostingHealthy: false },
    },
  },
  // No workflow is configured by default, so nothing can be deployed until an operator names one.
  targets: {},
  deny: [],
};

/** The override accepted in INTENT_POLICY: any top-level field; kinds and targets merge by name. */
const PolicyOverrideSchema = z
  .object({
    proposalTtlSeconds: z.number().int(),
    approvalTtlSeconds: z.number().int(),
    protectedBranches: z.array(z.string()),
    requireDifferentPerson: z.boolean(),
    kinds: z.record(z.string(), z.record(z.string(), z.unknown())),
    targets: z.record(z.string(), z.unknown()),
    deny: z.array(z.unknown()),
  })
  .partial()
  .strict();

/** Merge an override onto the default and validate the result; throws a message naming what is wrong. */
export function buildPolicy(override: unknown): IntentPolicy {
  const parsed = PolicyOverrideSchema.safeParse(override);
  if (!parsed.success) throw new Error(describeIssues(parsed.error.issues));
  const o = parsed.data;
  const kinds: Record<string, unknown> = { ...DEFAULT_POLICY.kinds };
  for (const [name, fields] of Object.entries(o.kinds ?? {}))
    kinds[name] = { ...(DEFAULT_POLICY.kinds[name] ?? {}), ...fields };
  const merged = {
    ...DEFAULT_POLICY,
    ...o,
    kinds,
    targets: { ...DEFAULT_POLICY.targets, ...(o.targets ?? {}) },
  };
  const result = IntentPolicySchema.safeParse(merged);
  if (!result.success) throw new Error(describeIssues(result.error.issues));
  return result.data;
}

function describeIssues(issues: z.core.$ZodIssue[]): string {
  return issues.map((issue) => `${issue.path.join('.') || 'policy'}: ${issue.message}`).join('; ');
}
