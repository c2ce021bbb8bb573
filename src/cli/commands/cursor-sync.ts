import { watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApiClient } from '../api';
import { ApiRefusal } from '../api';
import type { Command, CommandContext } from '../command';
import { stringOption } from '../command';
import { UsageError } from '../errors';
import {
  changedFiles,
  fileDiff,
  isIgnored,
  limitDiff,
  readWorkingTree,
  requireWorkingFile,
  workspacePath,
  type WorkingTree,
} from '../git';
import { RULES_FILE_PATTERN } from './cursor-listen';

const DEFAULT_MAX_DIFF = 64 * 1024;
const IGNORED = /(^|\/)(\.git|node_modules|\.wrangler|dist|build|coverage)(\/|$)/;

/** Never the active file: build output, tools' folders, and the rules file `cursor listen --rules` writes. */
const notWorkedOn = (path: string) => IGNORED.test(path) || RULES_FILE_PATTERN.test(path);

interface SyncSettings {
  workspace?: string;
  user?: string;
  maxDiffBytes: number;
  selection?: { startLine: number; endLine: number };
}

interface RecordResponse {
  applied: boolean;
  session: {
    user: string;
    workspace: string;
    branch: string;
    file?: string;
    version: number;
    diffStat: { added: number; removed: number };
  };
  overwrote?: { client: string; person?: string };
}

async function syncOnce(
  api: ApiClient,
  cwd: string,
  file: string | undefined,
  settings: SyncSettings,
): Promise<{ line: string; response: RecordResponse }> {
  const tree = await readWorkingTree(cwd);
  const path = file ? workspacePath(tree, cwd, file) : await mostRecentlyChanged(tree);
  if (file && path) await requireWorkingFile(tree, path);
  const raw = path ? await fileDiff(tree, path) : '';
  const { diff, truncated } = limitDiff(raw, settings.maxDiffBytes);
  const body = {
    workspace: settings.workspace ?? tree.workspace,
    branch: tree.branch,
    ...(tree.head ? { head: tree.head } : {}),
    ...(path ? { file: path } : {}),
    ...(diff ? { diff } : {}),
    ...(truncated ? { diffTruncated: true } : {}),
    ...(settings.selection ? { selection: settings.selection } : {}),
    ...(settings.user ? { user: settings.user } : {}),
    timestamp: new Date().toISOString(),
  };
  const response = await api.request<RecordResponse>('POST', '/ai/cursor/session', body);
  const s = response.session;
  const what = `${s.workspace} on ${s.branch}${s.file ? `, ${s.file} (+${s.diffStat.added} -${s.diffStat.removed}${truncated ? ', diff truncated' : ''})` : ''}`;
  const line = response.applied
    ? `synced ${what} as ${s.user} (v${s.version})${response.overwrote ? `, replacing ${response.overwrote.person ?? response.overwrote.client}'s session` : ''}`
    : `not applied: a newer snapshot of ${s.user}'s session is already live (${what})`;
  return { line, response };
}

/** With no file named, the most recently modified changed file is the active one. */
async function mostRecentlyChanged(tree: WorkingTree): Promise<string | undefined> {
  let best: { path: string; mtime: number } | undefined;
  for (const path of await changedFiles(tree)) {
    if (notWorkedOn(path)) continue;
    const mtime = await stat(join(tree.root, path)).then(
      (s) => (s.isFile() ? s.mtimeMs : -1),
      () => -1,
    );
    if (mtime >= 0 && (!best || mtime > best.mtime)) best = { path, mtime };
  }
  return best?.path;
}

async function isWorkingFile(tree: WorkingTree, path: string): Promise<boolean> {
  return requireWorkingFile(tree, path).then(
    () => true,
    () => false,
  );
}

function parseSelection(raw: string | undefined): SyncSettings['selection'] {
  if (!raw) return undefined;
  const match = /^(\d+)(?:-(\d+))?$/.exec(raw);
  if (!match) throw new UsageError(`--lines must look like 12 or 12-30, not "${raw}"`);
  const startLine = Number(match[1]);
  const endLine = Number(match[2] ?? match[1]);
  if (startLine < 1 || endLine < startLine) throw new UsageError(`--lines ${raw} is not a valid range`);
  return { startLine, endLine };
}

export const cursorSyncCommand: Command = {
  path: ['cursor', 'sync'],
  summary: "Publish your branch, head and the active file's diff as your live session",
  usage:
    'hezlep cursor sync [file] [--watch] [--debounce <ms>] [--lines <a-b>] [--workspace <name>] [--user <name>] [--max-diff-bytes <n>]',
  details:
    'Reads the git branch, HEAD and the diff of [file] against HEAD from the working tree and posts them.\n' +
    'Without [file], the most recently modified changed file is used. --watch posts again on every save (debounced).',
  options: {
    watch: { type: 'boolean', short: 'w' },
    debounce: { type: 'string' },
    lines: { type: 'string' },
    workspace: { type: 'string' },
    user: { type: 'string' },
    'max-diff-bytes': { type: 'string' },
  },
  async run(context: CommandContext): Promise<number> {
    const { values, positionals, io } = context;
    if (positionals.length > 1) throw new UsageError('cursor sync takes at most one file');
    const maxDiffBytes = Number(stringOption(values, 'max-diff-bytes') ?? DEFAULT_MAX_DIFF);
    if (!Number.isInteger(maxDiffBytes) || maxDiffBytes < 1)
      throw new UsageError('--max-diff-bytes must be a positive integer');
    const settings: SyncSettings = {
      workspace: stringOption(values, 'workspace'),
      user: stringOption(values, 'user'),
      maxDiffBytes,
      selection: parseSelection(stringOption(values, 'lines')),
    };
    const api = await context.api();
    const file = positionals[0];
    if (!values.watch) {
      io.out((await syncOnce(api, io.cwd, file, settings)).line);
      return 0;
    }
    return watchAndSync(api, io, file, settings, Number(stringOption(values, 'debounce') ?? 300));
  },
};

async function watchAndSync(
  api: ApiClient,
  io: CommandContext['io'],
  file: string | undefined,
  settings: SyncSettings,
  debounceMs: number,
): Promise<number> {
  if (!Number.isFinite(debounceMs) || debounceMs < 0)
    throw new UsageError('--debounce must be a number of milliseconds');
  const tree = await readWorkingTree(io.cwd);
  const fixed = file ? workspacePath(tree, io.cwd, file) : undefined;
  if (fixed) await requireWorkingFile(tree, fixed);
  let pending: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const post = (path: string | undefined) => {
    running = running.then(async () => {
      try {
        // A saved file git ignores, or one already gone again (an editor's temporary file), is not the active one.
        if (path && !fixed && (!(await isWorkingFile(tree, path)) || (await isIgnored(tree, path)))) path = undefined;
        io.out((await syncOnce(api, tree.root, path ? join(tree.root, path) : undefined, settings)).line);
      } catch (error) {
        // Keep watching through a refused or failed post; a refused key will not heal, so stop on it.
        io.err(`sync failed: ${(error as Error).message}`);
        if (error instanceof ApiRefusal && (error.problem.status === 401 || error.problem.status === 403))
          controller.abort();
      }
    });
  };
  const controller = new AbortController();
  io.signal.addEventListener('abort', () => controller.abort());
  post(fixed);
  const watcher = watch(tree.root, { recursive: true }, (_event, name) => {
    if (!name) return;
    const path = name.toString().split('\\').join('/');
    if (notWorkedOn(path) || (fixed && path !== fixed)) return;
    pending = path;
    clearTimeout(timer);
    timer = setTimeout(() => post(fixed ?? pending), debounceMs);
  });
  io.err(`watching ${fixed ?? tree.root} (debounce ${debounceMs} ms); Ctrl-C to stop`);
  await new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve()));
  watcher.close();
  clearTimeout(timer);
  await running;
  return 0;
}
