import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import type { Client } from '../auth/keys';

export interface DevKey {
  client: Client;
  person?: string;
  key: string;
}

/**
 * Two people, so the demo loop works under four eyes by person: the owner asks the GPT, the developer
 * approves from the dashboard or Cursor (and cannot approve their own proposals through the other client).
 */
const DEFAULT_KEYS: Omit<DevKey, 'key'>[] = [
  { client: 'gpt', person: 'owner' },
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
    // Files written before keys named people: the default person for that client, so four eyes can compare.
    if (Array.isArray(keys) && keys.length > 0)
      return keys.map((k) => (k.person ? k : { ...k, ...DEFAULT_KEYS.find((d) => d.client === k.client && d.person) }));
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
