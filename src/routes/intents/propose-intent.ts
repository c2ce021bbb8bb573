import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { conflictResponse, errorResponses, upstreamResponses } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { CONSEQUENTIAL, IntentSchema, policyResponses } from './schemas';
import { text } from '../../lib/input';
import { redactCounted } from '../../redaction/redact';

export const ProposeBodySchema = z
  .object({
    kind: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,39}$/)
      .openapi({
        description: 'deploy, rollback, purge-cache, restart, or another kind the policy defines.',
        example: 'deploy',
      }),
    target: z
      .string()
      .regex(/^[A-Za-z0-9._/-]{1,200}$/)
      .openapi({
        description: 'A branch (deploy, rollback) or an environment (hosting operations).',
        example: 'staging',
      }),
    parameters: z
      .record(z.string(), z.unknown())
      .default({})
      .openapi({ description: 'Kind-specific; a rollback needs parameters.commit.' }),
    reason: text({ max: 500, multiline: true })
      .optional()
      .openapi({ description: 'Why this should happen, for the approver.' }),
    idempotencyKey: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,100}$/)
      .optional()
      .openapi({ description: 'Send the same key when retrying: the same intent comes back instead of a second one.' }),
  })
  .strict()
  .openapi('IntentProposal');

const ProposeResultSchema = z.object({ intent: IntentSchema, created: z.boolean() }).openapi('IntentProposalResult');

export const proposeIntentRoute = createRoute({
  method: 'post',
  path: '/',
  operationId: 'proposeIntent',
  summary: 'Propose an operation for human approval',
  description:
    'Proposes a deploy, rollback, purge-cache or restart. Nothing runs until a human or Cursor approves it. Returns the intent (state proposed) or a policy_denied problem naming the rule, e.g. the GPT may not deploy to main.',
  ...CONSEQUENTIAL,
  middleware: guard({ clients: ALL_CLIENTS, maxBodyBytes: 8 * 1024 }),
  request: { body: { required: true, content: { 'application/json': { schema: ProposeBodySchema } } } },
  responses: {
    200: {
      description: 'A retry with an idempotencyKey already used: the existing intent.',
      content: { 'application/json': { schema: ProposeResultSchema } },
    },
    201: {
      description: 'The new intent, waiting for approval.',
      content: { 'application/json': { schema: ProposeResultSchema } },
    },
    ...errorResponses,
    ...policyResponses,
    ...conflictResponse,
    ...upstreamResponses,
  },
});

export type ProposeIntentResponse = z.infer<typeof ProposeResultSchema>;

export const proposeIntent: RouteHandler<typeof proposeIntentRoute, AppEnv> = async (c) => {
  // The reason and parameters are free text: secrets in them are replaced before the ledger sees them.
  const { value: body, redactions } = redactCounted(c.req.valid('json'), c.var.services.redactions);
  const { intent, created } = await c.var.services.intents(c.var.caller).propose({ ...body, redactions });
  const result: ProposeIntentResponse = { intent, created };
  return created ? c.json(result, 201) : c.json(result, 200);
};
