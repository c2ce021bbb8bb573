import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError, UsageError } from './errors';

export interface CliConfig {
  url: string;
  apiKey: string;
  /** Where the values came from, for `hezlep status` and error messages. */
  source: 'environment' | 'config file' | 'flags';
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HEZLEP_CONFIG) return env.HEZLEP_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'hezlep', 'config.json');
}

interface StoredConfig {
  url?: string;
  apiKey?: string;
}

async function readStored(path: string): Promise<StoredConfig | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError(`Cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as StoredConfig;
  } catch {
    throw new CliError(`${path} is not valid JSON; run \`hezlep login\` again.`);
  }
}

/** Flags win over HEZLEP_URL / HEZLEP_API_KEY, which win over the file `hezlep login` wrote. */
export async function resolveConfig(
  flags: { url?: string; key?: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<CliConfig> {
  const stored = await readStored(configPath(env));
  const url = flags.url ?? env.HEZLEP_URL ?? stored?.url;
  const apiKey = flags.key ?? env.HEZLEP_API_KEY ?? stored?.apiKey;
  if (!url || !apiKey) {
    throw new UsageError(
      `No ${!url ? 'service URL' : 'API key'} configured. Run \`hezlep login\`, or set HEZLEP_URL and HEZLEP_API_KEY.`,
    );
  }
  const source =
    flags.url || flags.key ? 'flags' : env.HEZLEP_URL || env.HEZLEP_API_KEY ? 'environment' : 'config file';
  return { url: normaliseUrl(url), apiKey, source };
}

export function normaliseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`"${url}" is not a URL; expected something like https://hezlep.example.workers.dev`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new UsageError(`The service URL must be http(s), not ${parsed.protocol}`);
  return parsed.toString().replace(/\/+$/, '');
}

/** Write the config readable by its owner only: it holds an API key. */
export async function saveConfig(url: string, apiKey: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const path = configPath(env);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, `${JSON.stringify({ url: normaliseUrl(url), apiKey }, null, 2)}\n`, { mode: 0o600 });
  // writeFile keeps the mode of an existing file; make sure it is owner-only either way.
  await chmod(path, 0o600);
  return path;
}
