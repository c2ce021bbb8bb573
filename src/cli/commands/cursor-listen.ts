import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command, CommandContext } from '../command';
import { stringOption } from '../command';
import { UsageError } from '../errors';
import { EventStream } from '../event-stream';
import { controlLine, eventLine } from '../format';
import { excludeLocally, readWorkingTree } from '../git';
import { EVENT_TOPICS, type EventTopic } from '../../events/publisher';
import type { ApiClient } from '../api';

/** Audit entries repeat the other topics' changes and the GPT's query log is for the dashboard; ask for them with --topics audit,queries. */
const DEFAULT_TOPICS = EVENT_TOPICS.filter((topic) => topic !== 'audit' && topic !== 'queries');

export const RULES_FILE = join('.cursor', 'rules', 'hezlep-context.mdc');
/** The rules file and its temporary twin, as git paths: `cursor sync` never takes them for the file being edited. */
export const RULES_FILE_PATTERN = /^\.cursor\/rules\/hezlep-context\.mdc(\.tmp)?$/;

interface PromptDigest {
  text: string;
  generatedAt: string;
}

export const cursorListenCommand: Command = {
  path: ['cursor', 'listen'],
  summary: 'Print what other clients do, live (one line per event)',
  usage: 'hezlep cursor listen [--topics context,cursor,...] [--since <seq>] [--json] [--rules]',
  details:
    "Holds a WebSocket to the project's event hub, reconnects with backoff and jitter and resumes after the last event seen.\n" +
    `Topics: ${EVENT_TOPICS.join(', ')} (all but audit by default). --json prints each event as one JSON line.\n` +
    `--rules keeps ${RULES_FILE} in this git workspace updated with the shared context, so Cursor's agent reads it\n` +
    '(git ignores it through .git/info/exclude, and `hezlep cursor sync` never takes it for the file you edit).',
  options: {
    topics: { type: 'string' },
    since: { type: 'string' },
    json: { type: 'boolean' },
    rules: { type: 'boolean' },
  },
  async run(context: CommandContext): Promise<number> {
    const { values, io } = context;
    const topics = parseTopics(stringOption(values, 'topics')) ?? DEFAULT_TOPICS;
    const sinceRaw = stringOption(values, 'since');
    if (sinceRaw !== undefined && !/^\d+$/.test(sinceRaw)) throw new UsageError('--since must be a sequence number');
    const config = await context.config();
    const api = await context.api();
    const rules = values.rules ? await rulesWriter(api, io) : undefined;
    const json = values.json === true;
    const stream = new EventStream({
      url: config.url,
      apiKey: config.apiKey,
      topics,
      since: sinceRaw === undefined ? undefined : Number(sinceRaw),
      signal: io.signal,
      onEvent: (event) => {
        io.out(json ? JSON.stringify(event) : eventLine(event));
        if (event.topic === 'context' || event.topic === 'cursor' || event.topic === 'intents') rules?.refresh();
      },
      onControl: (message) => {
        if (json) {
          if (message.kind !== 'hello' && message.kind !== 'subscribed') io.out(JSON.stringify(message));
        } else {
          const line = controlLine(message);
          if (line) io.err(line);
        }
        if (message.kind === 'resync' || message.kind === 'hello') rules?.refresh();
      },
      onStatus: (line) => io.err(`hezlep: ${line}`),
    });
    await stream.run();
    await rules?.settled();
    return 0;
  },
};

function parseTopics(raw: string | undefined): EventTopic[] | undefined {
  if (!raw) return undefined;
  const topics = raw
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const unknown = topics.filter((t) => !(EVENT_TOPICS as readonly string[]).includes(t));
  if (unknown.length)
    throw new UsageError(`Unknown topic(s): ${unknown.join(', ')}. Known: ${EVENT_TOPICS.join(', ')}`);
  return topics as EventTopic[];
}

/** Rewrites the Cursor rules file from the prompt digest, at most once per burst of events. */
async function rulesWriter(api: ApiClient, io: CommandContext['io']) {
  const tree = await readWorkingTree(io.cwd);
  const path = join(tree.root, RULES_FILE);
  await mkdir(join(tree.root, '.cursor', 'rules'), { recursive: true });
  // Cursor reads rules from .cursor/rules; git (and so `cursor sync`) is told to ignore this generated file.
  await excludeLocally(tree, ['/.cursor/rules/hezlep-context.mdc', '/.cursor/rules/hezlep-context.mdc.tmp']);
  let timer: NodeJS.Timeout | undefined;
  let writing = Promise.resolve();
  const write = async () => {
    try {
      const digest = await api.request<PromptDigest>('GET', '/ai/context?view=prompt');
      const body =
        '---\n' +
        'description: Live shared state of this project from the Hezlep orchestrator (kept current by `hezlep cursor listen --rules`; do not edit)\n' +
        'alwaysApply: true\n' +
        '---\n\n' +
        digest.text;
      // Write then rename, so Cursor never reads a half-written file.
      await writeFile(`${path}.tmp`, body);
      await rename(`${path}.tmp`, path);
    } catch (error) {
      io.err(`hezlep: could not update ${RULES_FILE}: ${(error as Error).message}`);
    }
  };
  return {
    refresh() {
      clearTimeout(timer);
      timer = setTimeout(() => (writing = writing.then(write)), 250);
    },
    async settled() {
      clearTimeout(timer);
      await writing;
    },
  };
}
