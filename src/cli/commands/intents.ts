import { ApiRefusal, type ApiClient } from '../api';
import type { Command, CommandContext } from '../command';
import { stringOption } from '../command';
import { CliError } from '../errors';

interface Intent {
  id: string;
  kind?: string;
  target?: string;
  state?: string;
  initiator?: { client?: string; person?: string } | string;
  createdAt?: string;
  summary?: string;
}

/** Turn "this server has no such route" into a plain sentence: the intents engine may not be deployed. */
async function intentsCall<T>(client: ApiClient, method: string, path: string, body?: unknown): Promise<T> {
  try {
    return await client.request<T>(method, path, body);
  } catch (error) {
    if (error instanceof ApiRefusal && error.problem.status === 404 && /does not offer/.test(error.message)) {
      throw new CliError(`This service has no intents endpoints (${method} ${path.split('?')[0]} is not there); it predates the intents engine.`);
    }
    throw error;
  }
}

function who(initiator: Intent['initiator']): string {
  if (!initiator) return '?';
  if (typeof initiator === 'string') return initiator;
  return initiator.person ? `${initiator.client}:${initiator.person}` : (initiator.client ?? '?');
}

export const intentsListCommand: Command = {
  path: ['intents', 'list'],
  summary: 'List intents (pending ones by default)',
  usage: 'hezlep intents list [--state proposed|approved|...|all] [--json]',
  options: { state: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, io, api }: CommandContext): Promise<number> {
    const state = stringOption(values, 'state') ?? 'proposed';
    const query = state === 'all' ? '' : `?state=${encodeURIComponent(state)}`;
    const body = await intentsCall<{ intents?: Intent[]; items?: Intent[] }>(await api(), 'GET', `/ai/intents${query}`);
    const intents = body.intents ?? body.items ?? [];
    if (values.json) {
      io.out(JSON.stringify(body));
      return 0;
    }
    if (!intents.length) io.out(state === 'all' ? 'No intents.' : `No ${state} intents.`);
    for (const intent of intents) {
      io.out(`${intent.id}  ${(intent.state ?? '').padEnd(9)} ${intent.kind ?? ''} ${intent.target ?? ''}  by ${who(intent.initiator)}${intent.createdAt ? ` at ${intent.createdAt}` : ''}${intent.summary ? `  ${intent.summary}` : ''}`);
    }
    return 0;
  },
};

function decisionCommand(verb: 'approve' | 'reject'): Command {
  return {
    path: ['intents', verb],
    summary: verb === 'approve' ? 'Approve a proposed intent' : 'Reject a proposed intent',
    usage: `hezlep intents ${verb} <id> [--reason <text>] [--json]`,
    options: { reason: { type: 'string' }, json: { type: 'boolean' } },
    async run({ values, positionals, io, api }: CommandContext): Promise<number> {
      const [id, ...rest] = positionals;
      if (!id || rest.length) throw new CliError(`Usage: hezlep intents ${verb} <id> [--reason <text>]`);
      const reason = stringOption(values, 'reason');
      if (verb === 'reject' && !reason) throw new CliError('Say why with --reason "<text>"; the reason is recorded.');
      const result = await intentsCall<Intent & { intent?: Intent }>(await api(), 'POST', `/ai/intents/${encodeURIComponent(id)}/${verb}`, reason ? { reason } : {});
      const intent = result.intent ?? result;
      io.out(values.json ? JSON.stringify(result) : `${intent.id ?? id}: ${intent.state ?? (verb === 'approve' ? 'approved' : 'rejected')}`);
      return 0;
    },
  };
}

export const intentsApproveCommand = decisionCommand('approve');
export const intentsRejectCommand = decisionCommand('reject');
