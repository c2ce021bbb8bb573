import type { Command, CommandContext } from '../command';
import { UsageError } from '../errors';

const FIELDS = ['branch', 'commit', 'activeUser', 'currentTask', 'notes', 'extra'];

export const contextGetCommand: Command = {
  path: ['context', 'get'],
  summary: 'Print the shared working context',
  usage: 'hezlep context get [--json] [--prompt]',
  details: '--prompt prints the compact digest a model reads (context, live sessions, pending intents, recent events).',
  options: { json: { type: 'boolean' }, prompt: { type: 'boolean' } },
  async run({ values, io, api }: CommandContext): Promise<number> {
    const client = await api();
    if (values.prompt) {
      const digest = await client.request<{ text: string }>('GET', '/ai/context?view=prompt');
      io.out(values.json ? JSON.stringify(digest) : digest.text.trimEnd());
      return 0;
    }
    const body = await client.request<{
      live: boolean;
      context?: Record<string, unknown>;
      updatedBy?: { client: string; person?: string };
      version?: number;
      expiresAt?: string;
      message?: string;
    }>('GET', '/ai/context');
    if (values.json) {
      io.out(JSON.stringify(body));
    } else if (!body.live) {
      io.out('No live shared context. Set one with `hezlep context set currentTask="…"`.');
    } else {
      io.out(
        `context v${body.version} by ${body.updatedBy?.person ? `${body.updatedBy.client}:${body.updatedBy.person}` : body.updatedBy?.client}, expires ${body.expiresAt}`,
      );
      for (const [name, value] of Object.entries(body.context ?? {}))
        io.out(`  ${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
    }
    return 0;
  },
};

export const contextSetCommand: Command = {
  path: ['context', 'set'],
  summary: 'Change fields of the shared context (field=value ...)',
  usage: 'hezlep context set <field=value>... [--replace] [--version <n>] [--json]',
  details:
    `Fields: ${FIELDS.join(', ')}. "field=" (empty) removes the field; extra takes JSON.\n` +
    'Without --replace the fields are merged into the live context; with it they replace it.',
  options: { replace: { type: 'boolean' }, version: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, positionals, io, api }: CommandContext): Promise<number> {
    if (!positionals.length)
      throw new UsageError('Name at least one field=value (e.g. hezlep context set currentTask="fix login").');
    const body: Record<string, unknown> = {};
    for (const pair of positionals) {
      const eq = pair.indexOf('=');
      if (eq < 1) throw new UsageError(`"${pair}" is not field=value`);
      const name = pair.slice(0, eq);
      const raw = pair.slice(eq + 1);
      if (!FIELDS.includes(name)) throw new UsageError(`Unknown field "${name}". Fields: ${FIELDS.join(', ')}`);
      if (raw === '') {
        if (values.replace) continue;
        body[name] = null;
      } else if (name === 'extra') {
        try {
          body[name] = JSON.parse(raw);
        } catch {
          throw new UsageError('extra must be JSON, e.g. extra=\'{"ticket":42}\'');
        }
      } else {
        body[name] = raw;
      }
    }
    if (typeof values.version === 'string') {
      if (!/^\d+$/.test(values.version)) throw new UsageError('--version must be the version number you read');
      body.version = Number(values.version);
    }
    const result = await (await api()).request<{
      version: number;
      changedFields: string[];
      overwrote?: { client: string; person?: string };
    }>(values.replace ? 'PUT' : 'PATCH', '/ai/context', body);
    if (values.json) io.out(JSON.stringify(result));
    else {
      const over = result.overwrote
        ? ` (replaced ${result.overwrote.person ? `${result.overwrote.client}:${result.overwrote.person}` : result.overwrote.client}'s value)`
        : '';
      io.out(
        `context v${result.version}: ${result.changedFields.length ? `changed ${result.changedFields.join(', ')}` : 'nothing changed'}${over}`,
      );
    }
    return 0;
  },
};
