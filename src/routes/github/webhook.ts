import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { ApiError, errorResponses, notConfiguredResponse } from '../../errors';
import { decodeUtf8, readBodyBytes } from '../../lib/body';
import type { AppEnv } from '../../app-env';
import { repoKey } from '../../code-index/source/repo-source';
import { startIndexRun } from '../../code-index/start-run';
import { verifyGitHubSignature } from '../../code-index/source/webhook-signature';
import { intentsConfig } from '../../intents/config';
import { readWorkflowRunEvent } from '../../intents/workflow-run-event';
import { PushPayloadSchema, claimDelivery, deliveryIdentity, readPayload } from '../../github/webhook-delivery';

const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** The caller recorded for webhook-triggered runs: GitHub, speaking through the signature, on the cron client's behalf. */
const WEBHOOK_CALLER = { client: 'cron', person: 'github-webhook', label: 'cron:github-webhook' } as const;

const WebhookResponseSchema = z
  .object({
    accepted: z.boolean(),
    event: z.string(),
    action: z.enum(['started', 'queued', 'recorded', 'ignored', 'pong', 'duplicate']),
    repo: z.string().optional(),
    runId: z.string().optional(),
    /** workflow_run: the intent the run belongs to and the state it is in now. */
    intentId: z.string().optional(),
    intentState: z.string().optional(),
    reason: z.string().optional(),
  })
  .openapi('GitHubWebhookResult');

/**
 * The fields the webhook reads (GitHub sends many more, which are ignored). A plain JSON Schema,
 * not zod, so the router documents it without parsing the body: the handler must see the raw bytes first.
 */
const WebhookPayloadSchema = {
  type: 'object',
  properties: {
    ref: { type: 'string', example: 'refs/heads/main' },
    repository: { type: 'object', properties: { full_name: { type: 'string', example: 'octocat/Hello-World' } } },
    action: { type: 'string', example: 'completed' },
    workflow_run: {
      type: 'object',
      properties: {
        id: { type: 'integer' },
        status: { type: 'string' },
        conclusion: { type: 'string', description: 'null until the run completes' },
        head_branch: { type: 'string' },
      },
    },
  },
} as const;

export const webhookRoute = createRoute({
  method: 'post',
  path: '/webhook',
  operationId: 'receiveGitHubWebhook',
  summary: 'GitHub push and workflow_run webhook (signed)',
  // Authenticated by GitHub's HMAC signature, not by an API key.
  security: [],
  description:
    'For GitHub only: verifies X-Hub-Signature-256 with GITHUB_WEBHOOK_SECRET. A push to an indexed branch starts a re-index (or queues one); a workflow_run records the run on the executing intent that dispatched it. Returns what it did.',
  request: {
    headers: z.object({
      'x-hub-signature-256': z
        .string()
        .optional()
        .openapi({ description: 'sha256=<hex HMAC-SHA256 of the raw body with the webhook secret>.' }),
      'x-github-delivery': z.string().optional().openapi({
        description:
          'The GUID GitHub gives each delivery; a delivery seen before (by this id or by its body) does nothing.',
      }),
      'x-github-event': z.string().optional().openapi({
        description:
          'push triggers indexing; workflow_run records a deploy run on its intent; ping answers pong; others are ignored.',
      }),
    }),
    body: {
      required: true,
      description: `GitHub's webhook payload, at most ${MAX_BODY_BYTES} bytes, verified before it is parsed.`,
      content: { 'application/json': { schema: WebhookPayloadSchema } },
    },
  },
  responses: {
    200: {
      description: 'A replay of a delivery already handled (same id or same body): nothing was done.',
      content: { 'application/json': { schema: WebhookResponseSchema } },
    },
    202: { description: 'Verified and handled.', content: { 'application/json': { schema: WebhookResponseSchema } } },
    ...errorResponses,
    ...notConfiguredResponse,
  },
});

export type WebhookResponse = z.infer<typeof WebhookResponseSchema>;

export const webhook: RouteHandler<typeof webhookRoute, AppEnv> = async (c) => {
  const services = c.var.services;
  const index = services.indexing();
  const secret = index.webhookSecret;
  if (!secret) throw new ApiError('not_configured', 'The GitHub webhook is not configured: set GITHUB_WEBHOOK_SECRET.');
  // Read while streaming up to the limit, verify the HMAC over those exact bytes, and only then decode.
  const bytes = await readBodyBytes(c.req.raw, MAX_BODY_BYTES);
  if (!(await verifyGitHubSignature(secret, bytes, c.req.header('x-hub-signature-256')))) {
    throw new ApiError('unauthenticated', 'The X-Hub-Signature-256 header is missing or does not match the payload.');
  }
  const event = c.req.header('x-github-event') ?? 'unknown';
  const delivery = await deliveryIdentity(c.req.header('x-github-delivery'), bytes);
  const reply = (body: WebhookResponse) => c.json(body, 202);
  /** Act once per delivery: a replay (its id or its signed body seen before) answers 200 and does nothing. */
  const firstTime = () => claimDelivery(services.audit(WEBHOOK_CALLER), event, delivery);
  const duplicate = () =>
    c.json({ accepted: true, event, action: 'duplicate', reason: 'this delivery was already handled' } as const, 200);
  if (event === 'ping') return reply({ accepted: true, event, action: 'pong' });
  if (event !== 'push' && event !== 'workflow_run')
    return reply({ accepted: true, event, action: 'ignored', reason: 'only push and workflow_run events are handled' });

  let payload: unknown;
  try {
    payload = JSON.parse(decodeUtf8(bytes, 'The webhook body'));
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError('malformed_json', 'The webhook body is not valid JSON.');
  }
  if (event === 'workflow_run') {
    const reported = readWorkflowRunEvent(payload);
    if (!reported)
      throw new ApiError('validation_failed', 'The workflow_run payload has no workflow_run with an id and status.');
    const github = intentsConfig(services.config.vars).github;
    if (github.kind !== 'configured' || github.repo.full.toLowerCase() !== reported.repo.toLowerCase()) {
      return reply({
        accepted: true,
        event,
        action: 'ignored',
        repo: reported.repo,
        reason: 'not the repository intents deploy',
      });
    }
    if (!(await firstTime())) return duplicate();
    const intent = await services.intents(WEBHOOK_CALLER).reportWorkflowRun(reported.run);
    if (!intent)
      return reply({
        accepted: true,
        event,
        action: 'ignored',
        repo: reported.repo,
        runId: String(reported.run.id),
        reason: 'no executing intent is waiting for this run',
      });
    return reply({
      accepted: true,
      event,
      action: 'recorded',
      repo: reported.repo,
      runId: String(reported.run.id),
      intentId: intent.id,
      intentState: intent.state,
    });
  }
  const push = readPayload(PushPayloadSchema, payload, 'push');
  const fullName = push.repository.full_name;
  const repo = index.repos.find(
    (r) => repoKey(r).toLowerCase() === fullName.toLowerCase() && push.ref === `refs/heads/${r.branch}`,
  );
  if (!repo) return reply({ accepted: true, event, action: 'ignored', reason: 'not an indexed repository and branch' });
  if (!(await firstTime())) return duplicate();

  const result = await startIndexRun({ index, audit: services.audit(WEBHOOK_CALLER) }, repo, WEBHOOK_CALLER, {
    trigger: 'webhook',
    summary: `Re-index of ${repoKey(repo)}@${repo.branch} requested by a push webhook`,
    detail: { delivery: delivery.id },
    queueIfRunning: true,
  });
  if (!result.started)
    return reply({ accepted: true, event, action: 'queued', repo: repoKey(repo), runId: result.running.id });
  return reply({ accepted: true, event, action: 'started', repo: repoKey(repo), runId: result.runId });
};
