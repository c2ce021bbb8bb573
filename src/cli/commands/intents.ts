import { ApiRefusal, type ApiClient } from '../api';
import type { Command, CommandContext } from '../command';
import { stringOption } from '../command';
import { CliError, UsageError } from '../errors';

export interface Intent {
  id: string;
  kind?: string;
  target?: string;
  state?: string;
  proposedBy?: { client?: string; person?: string };
  createdAt?: string;
  summary?: string;
}

/** Turn "this server has no such route" into a plain sentence: the intents engine may not be deployed. */
export async function intentsCall<T>(client: ApiClient, method: string, path: string, body?: unknown): Promise<T> {
  try {
    return await client.request<T>(method, path, body);
  } catch (error) {
    if (error instanceof ApiRefusal && error.problem.status === 404 && /does not offer/.test(error.message)) {
      throw new CliError(
        `This service has no intents endpoints (${method} ${path.split('?')[0]} is not there); it predates the intents engine.`,
      );
    }
    if (error instanceof ApiRefusal && error.problem.code === 'policy_denied') {
      // The policy's own words: which rule said no and why, then what a person can do about it.
      const rule = error.problem.rule ? ` (rule ${error.problem.rule})` : '';
      throw new CliError(`Refused by the intents policy${rule}: ${error.problem.detail}`, 1);
    }
    throw error;
  }
}

function who(proposer: Intent['proposedBy']): string {
  if (!proposer?.client) return 'unknown';
  return proposer.person ? `${proposer.client}:${proposer.person}` : proposer.client;
}

export const intentsListCommand: Command = {
  path: ['intents', 'list'],
  summary: 'List intents (pending ones by default)',
  usage: 'hezlep intents list [--state proposed|approved|...|all] [--json]',
  options: { state: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, io, api }: CommandContext): Promise<number> {
    const state = stringOption(values, 'state') ?? 'proposed';
    const query = state === 'all' ? '' : `?state=${encodeURIComponent(state)}`;
    const body = await intentsCall<{ intents: Intent[]; truncated?: boolean }>(
      await api(),
      'GET',
      `/ai/intents${query}`,
    );
    const intents = body.intents ?? [];
    if (values.json) {
      io.out(JSON.stringify(body));
      return 0;
    }
    if (!intents.length) io.out(state === 'all' ? 'No intents.' : `No ${state} intents.`);
    for (const intent of intents) {
      io.out(
        `${intent.id}  ${(intent.state ?? '').padEnd(9)} ${intent.kind ?? ''} ${intent.target ?? ''}  by ${who(intent.proposedBy)}${intent.createdAt ? ` at ${intent.createdAt}` : ''}${intent.summary ? `  ${intent.summary}` : ''}`,
      );
    }
    return 0;
  },
};

function decisionCommand(verb: 'approve' | 'reject'): Command {
  return {
    path: ['intents', verb],
    summary: verb === 'approve' ? 'Approve a proposed intent' : 'Reject a proposed intent',
    usage:
      verb === 'approve'
        ? 'hezlep intents approve <id> [--commit <sha>] [--json]'
        : 'hezlep intents reject <id> --reason <text> [--json]',
    details:
      verb === 'approve'
        ? "Approves for the target's current commit; --commit names the commit you reviewed, and the approval is refused if the target has moved on."
        : "The reason is recorded in the intent's decision history and the audit log.",
    options:
      verb === 'approve'
        ? { commit: { type: 'string' }, json: { type: 'boolean' } }
        : { reason: { type: 'string' }, json: { type: 'boolean' } },
    async run({ values, positionals, io, api }: CommandContext): Promise<number> {
      const [id, ...rest] = positionals;
      if (!id || rest.length)
        throw new UsageError(
          `Usage: hezlep intents ${verb} <id> ${verb === 'approve' ? '[--commit <sha>]' : '--reason <text>'}`,
        );
      let body: Record<string, string> = {};
      if (verb === 'reject') {
        const reason = stringOption(values, 'reason');
        if (!reason) throw new UsageError('Say why with --reason "<text>"; the reason is recorded.');
        body = { reason };
      } else {
        const commit = stringOption(values, 'commit');
        if (commit) body = { commit };
      }
      const result = await intentsCall<{ intent: Intent }>(
        await api(),
        'POST',
        `/ai/intents/${encodeURIComponent(id)}/${verb}`,
        body,
      );
      const intent = result.intent;
      io.out(
        values.json
          ? JSON.stringify(result)
          : `${intent.id}: ${intent.state}${intent.summary ? ` (${intent.summary})` : ''}`,
      );
      return 0;
    },
  };
}

export const intentsApproveCommand = decisionCommand('approve');
export const intentsRejectCommand = decisionCommand('reject');
