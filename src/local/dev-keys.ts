import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import type { Client } from '../auth/keys';

export interface DevKey {
  client: Client;
  person?: string;
  key: string;
}

const DEFAULT_KEYS: Omit<DevKey, 'key'>[] = [
  { client: 'gpt' },
  { client: 'cursor', person: 'dev' },
  { client: 'human', person: 'dev' },
  { client: 'cron' },
];

/**
 * Development API keys, made once and kept in an ignored local file so they stay
 * the same across restarts and scripts can read them.
 */
export function loadOrCreateDevKeys(file: string): DevKey[] {
  if (existsSync(file)) {
    const keys = JSON.parse(readFileSync(file, 'utf8')) as DevKey[];
    if (Array.isArray(keys) && keys.length > 0) return keys;
  }
  const keys = DEFAULT_KEYS.map((spec) => ({
    ...spec,
    key: `hz_dev_${spec.client}_${randomBytes(18).toString('base64url')}`,
  }));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  return keys;
}

/** The `HEZLEP_API_KEYS` value for these keys: hashes only, so the Worker never holds the keys. */
export function keyTableOf(keys: DevKey[]): string {
  return JSON.stringify(
    keys.map(({ client, person, key }) => ({
      client,
      ...(person ? { person } : {}),
      sha256: createHash('sha256').update(key).digest('hex'),
    })),
  );
}

export function keyFor(keys: DevKey[], client: Client): string {
  const found = keys.find((k) => k.client === client);
  if (!found) throw new Error(`no development key for the ${client} client`);
  return found.key;
}
