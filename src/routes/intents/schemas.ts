import { z } from '@hono/zod-openapi';
import { INTENT_STATES } from '../../db/schema';
import { ProblemSchema } from '../../errors';
import { text } from '../../lib/input';

export const IntentIdParam = z.object({
  id: z
    .string()
    .regex(/^[0-9a-f-]{36}$/, 'id must be an intent id')
    .openapi({ param: { name: 'id', in: 'path' }, description: 'The intent id.' }),
});

const Actor = z.object({ client: z.string(), person: z.string().optional() });

export const ExecutionSchema = z
  .object({
    attempt: z.number().int(),
    status: z.enum(['dispatching', 'running', 'finished']),
    startedAt: z.string(),
    startedBy: z.string(),
    commit: z.string().optional(),
    workflow: z.string().optional(),
    ref: z.string().optional(),
    runId: z.number().int().optional(),
    runUrl: z.string().optional(),
    runStatus: z.string().optional(),
    conclusion: z.string().nullable().optional(),
    finishedAt: z.string().optional(),
    error: z.string().optional(),
    lastCheckedAt: z.string().optional(),
  })
  .openapi('IntentExecution');

export const IntentSchema = z
  .object({
    id: z.string(),
    summary: z.string().openapi({ description: 'One line: kind, target, commit and what happens next.' }),
    kind: z.string(),
    target: z.string(),
    state: z.enum(INTENT_STATES),
    version: z.number().int(),
    parameters: z.record(z.string(), z.unknown()),
    reason: z.string().nullable(),
    proposedBy: Actor,
    idempotencyKey: z.string().nullable(),
    proposedCommit: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    expiresAt: z.string().openapi({ description: 'When the proposal expires if nobody approves it.' }),
    approval: z
      .object({ by: z.string(), at: z.string(), commit: z.string().nullable(), expiresAt: z.string() })
      .nullable()
      .openapi({ description: 'Who approved, for which commit, until when.' }),
    execution: ExecutionSchema.nullable(),
    outcome: z.string().nullable(),
  })
  .openapi('Intent');

export const DecisionSchema = z
  .object({
    at: z.string(),
    actor: Actor,
    action: z.string(),
    allowed: z.boolean(),
    rule: z.string().openapi({ description: 'The policy rule that decided.' }),
    reason: z.string(),
    fromState: z.string().nullable(),
    toState: z.string().nullable(),
    commit: z.string().nullable(),
  })
  .openapi('IntentDecision');

export const IntentResultSchema = z.object({ intent: IntentSchema }).openapi('IntentResult');

export const NoteBodySchema = z
  .object({
    reason: text({ max: 500, multiline: true }).optional().openapi({ description: 'Why, for the decision history.' }),
  })
  .strict()
  .openapi('IntentNote');

/** GPT Actions ask the user to confirm operations marked consequential. */
export const CONSEQUENTIAL = { 'x-openai-isConsequential': true } as const;

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

/** Intent routes refuse mostly by policy: the 403 says so, with the deciding rule. */
export const policyResponses = {
  403: problem(
    'Refused: by the policy (`policy_denied`, with `rule` naming the deciding rule, e.g. gpt-never-approves), or by key (`client_mismatch`).',
  ),
} as const;

export { notConfiguredResponse } from '../../errors';
