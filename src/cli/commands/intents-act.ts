import type { Command, CommandContext } from '../command';
import { stringOption } from '../command';
import { UsageError } from '../errors';
import { type Intent, intentsCall } from './intents';

const TARGET = /^[A-Za-z0-9._/-]{1,200}$/;

export const intentsProposeCommand: Command = {
  path: ['intents', 'propose'],
  summary: 'Propose an operation (deploy, rollback, purge-cache, restart) for approval',
  usage: 'hezlep intents propose <kind> <target> [--reason <text>] [--commit <sha>] [--json]',
  details:
    'Nothing runs until someone other than you approves it (`hezlep intents approve <id>`); then `hezlep intents execute <id>`.\n' +
    'A rollback names the commit to go back to with --commit. The policy may refuse (e.g. the GPT never deploys to main): the rule is printed.',
  options: { reason: { type: 'string' }, commit: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, positionals, io, api }: CommandContext): Promise<number> {
    const [kind, target, ...rest] = positionals;
    if (!kind || !target || rest.length)
      throw new UsageError('Usage: hezlep intents propose <kind> <target> [--reason <text>] [--commit <sha>]');
    if (!TARGET.test(target)) throw new UsageError(`"${target}" is not a branch or environment name.`);
    const commit = stringOption(values, 'commit');
    if (commit !== undefined && !/^[0-9a-fA-F]{7,64}$/.test(commit))
      throw new UsageError('--commit must be a hex commit sha (7-64 characters).');
    const reason = stringOption(values, 'reason');
    const body = { kind, target, ...(reason ? { reason } : {}), ...(commit ? { parameters: { commit } } : {}) };
    const result = await intentsCall<{ intent: Intent; created: boolean }>(await api(), 'POST', '/ai/intents', body);
    if (values.json) {
      io.out(JSON.stringify(result));
      return 0;
    }
    const intent = result.intent;
    io.out(`${intent.id}: ${intent.state}${intent.summary ? ` (${intent.summary})` : ''}`);
    if (intent.state === 'proposed')
      io.err(`hezlep: someone else approves it with \`hezlep intents approve ${intent.id}\``);
    return 0;
  },
};

export const intentsExecuteCommand: Command = {
  path: ['intents', 'execute'],
  summary: 'Run an approved intent (once)',
  usage: 'hezlep intents execute <id> [--json]',
  details:
    'Starts an approved intent: a deploy dispatches its workflow for the approved commit. Running it again returns the same execution.\n' +
    'Refused while it is not approved, when the approval lapsed, or when the branch moved since the approval.',
  options: { json: { type: 'boolean' } },
  async run({ values, positionals, io, api }: CommandContext): Promise<number> {
    const [id, ...rest] = positionals;
    if (!id || rest.length) throw new UsageError('Usage: hezlep intents execute <id>');
    const result = await intentsCall<{ intent: Intent; started: boolean }>(
      await api(),
      'POST',
      `/ai/intents/${encodeURIComponent(id)}/execute`,
      {},
    );
    if (values.json) {
      io.out(JSON.stringify(result));
      return 0;
    }
    const intent = result.intent;
    const how = result.started ? 'started' : 'already started';
    io.out(`${intent.id}: ${how}, ${intent.state}${intent.summary ? ` (${intent.summary})` : ''}`);
    return 0;
  },
};
