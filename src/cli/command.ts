import type { ParseArgsConfig } from 'node:util';
import type { ApiClient } from './api';
import type { CliConfig } from './config';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM (or by a test), for long-running commands. */
  signal: AbortSignal;
}

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandContext {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
  io: CliIo;
  /** Resolve the service URL and key (flags, environment, config file) and build a client. */
  api(): Promise<ApiClient>;
  config(): Promise<CliConfig>;
}

export interface Command {
  /** Words that select it, e.g. ['cursor', 'sync']. */
  path: string[];
  summary: string;
  usage: string;
  details?: string;
  options: Options;
  run(context: CommandContext): Promise<number>;
}

export function stringOption(values: CommandContext['values'], name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}
