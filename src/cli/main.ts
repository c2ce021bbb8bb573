import { parseArgs } from 'node:util';
import { ApiClient } from './api';
import type { CliIo, Command, Options } from './command';
import { resolveConfig, type CliConfig } from './config';
import { CliError } from './errors';
import { cursorSyncCommand } from './commands/cursor-sync';
import { cursorListenCommand } from './commands/cursor-listen';
import { contextGetCommand, contextSetCommand } from './commands/context';
import { statusCommand } from './commands/status';
import { indexStatusCommand } from './commands/index-status';
import { intentsApproveCommand, intentsListCommand, intentsRejectCommand } from './commands/intents';
import { intentsExecuteCommand, intentsProposeCommand } from './commands/intents-act';
import { loginCommand } from './commands/login';
import { mcpConfigCommand } from './commands/mcp-config';

export const COMMANDS: Command[] = [
  loginCommand,
  statusCommand,
  indexStatusCommand,
  contextGetCommand,
  contextSetCommand,
  cursorSyncCommand,
  cursorListenCommand,
  intentsListCommand,
  intentsProposeCommand,
  intentsApproveCommand,
  intentsRejectCommand,
  intentsExecuteCommand,
  mcpConfigCommand,
];

const GLOBAL_OPTIONS: Options = {
  help: { type: 'boolean', short: 'h' },
  url: { type: 'string' },
  key: { type: 'string' },
};

const GLOBAL_HELP = [
  'Global options:',
  '  --url <url>   service URL (default: $HEZLEP_URL, then the `hezlep login` file)',
  '  --key <key>   API key (default: $HEZLEP_API_KEY, then the `hezlep login` file)',
  '  -h, --help    show help',
];

function overview(prefix: string[] = []): string {
  const shown = COMMANDS.filter((c) => prefix.every((word, i) => c.path[i] === word));
  return [
    `Usage: hezlep ${prefix.length ? `${prefix.join(' ')} ` : ''}<command> [options]`,
    '',
    'Commands:',
    ...shown.map((c) => `  ${c.path.join(' ').padEnd(18)} ${c.summary}`),
    '',
    ...GLOBAL_HELP,
    '',
    "Run 'hezlep <command> --help' for a command's options.",
  ].join('\n');
}

function commandHelp(command: Command): string {
  return [
    `Usage: ${command.usage}`,
    '',
    command.summary + '.',
    ...(command.details ? ['', command.details] : []),
    '',
    ...GLOBAL_HELP,
  ].join('\n');
}

/** Run the CLI; resolves to the exit code. Output goes through `io` so tests can capture it. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const words: string[] = [];
  for (const arg of argv) {
    if (arg.startsWith('-')) break;
    words.push(arg);
  }
  const command = COMMANDS.filter((c) => c.path.every((word, i) => words[i] === word)).sort(
    (a, b) => b.path.length - a.path.length,
  )[0];
  const wantsHelp = argv.includes('--help') || argv.includes('-h');
  if (!command) {
    const known = COMMANDS.some((c) => words.length > 0 && c.path[0] === words[0]);
    if (wantsHelp || words.length === 0 || (known && words.length === 1)) {
      io.out(overview(known ? [words[0]!] : []));
      return words.length === 0 && !wantsHelp ? 2 : 0;
    }
    io.err(`hezlep: unknown command "${words.join(' ')}"\n\n${overview(known ? [words[0]!] : [])}`);
    return 2;
  }
  if (wantsHelp) {
    io.out(commandHelp(command));
    return 0;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv.slice(command.path.length),
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    io.err(`hezlep ${command.path.join(' ')}: ${(error as Error).message}\n\n${commandHelp(command)}`);
    return 2;
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  let config: CliConfig | undefined;
  const getConfig = async () =>
    (config ??= await resolveConfig(
      {
        url: typeof values.url === 'string' ? values.url : undefined,
        key: typeof values.key === 'string' ? values.key : undefined,
      },
      io.env,
    ));
  try {
    return await command.run({
      values,
      positionals: parsed.positionals,
      io,
      config: getConfig,
      api: async () => new ApiClient(await getConfig()),
    });
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`hezlep: ${error.message}`);
      return error.exitCode;
    }
    io.err(`hezlep: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}

/** The process entry: wires stdout/stderr and Ctrl-C, then exits with the command's code. */
export async function runFromProcess(): Promise<void> {
  const controller = new AbortController();
  let interrupts = 0;
  const stop = () => {
    if (++interrupts > 1) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const code = await main(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
  });
  process.exitCode = code;
  // Long-running commands leave nothing pending; short ones should not linger on keep-alive sockets.
  setTimeout(() => process.exit(code), 50).unref();
}
