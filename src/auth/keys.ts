import { z } from 'zod';
import { ApiError } from '../errors';
import type { Connection } from './connection';

export const CLIENTS = ['gpt', 'cursor', 'human', 'cron'] as const;
export type Client = (typeof CLIENTS)[number];

/**
 * Who is calling: the role (client) a request acts as, and the person behind it when known. An API key
 * names both; a Cloudflare Access token names a human by email; an OAuth grant names the role and the person
 * it was granted to. Build one with `callerOf`, so every source spells a person the same way.
 */
export interface Caller {
  client: Client;
  /** The person behind the request (lower case), when known: four eyes compares people, not keys. */
  person?: string;
  /** A stable, non-secret label for logs and audit: `client` or `client:person`. */
  label: string;
  /** Set when the caller came through an OAuth connection instead of a key: the app and what was granted. */
  connection?: Connection;
}

export interface KeyEntry {
  caller: Caller;
  /** SHA-256 of the key. Plain keys are hashed as they are loaded and then forgotten. */
  hash: Uint8Array;
}

const KeySpecSchema = z
  .object({
    client: z.enum(CLIENTS),
    person: z
      .string()
      .regex(/^[A-Za-z0-9._@-]{1,64}$/, 'person must be 1-64 letters, digits or . _ @ -')
      .optional(),
    key: z.string().min(16, 'a plain key must be at least 16 characters').optional(),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/i, 'sha256 must be 64 hex digits')
      .optional(),
  })
  .refine((spec) => (spec.key === undefined) !== (spec.sha256 === undefined), {
    message: 'each key needs exactly one of `key` or `sha256`',
  });

export async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function callerLabel(client: Client, person?: string): string {
  return person ? `${client}:${person}` : client;
}

/** One spelling of a person, whichever source named them: `Alice` and `alice` are one person. */
export function normalPerson(person: string | undefined): string | undefined {
  const trimmed = person?.trim().toLowerCase();
  return trimmed ? trimmed : undefined;
}

/** The caller acting as `client` for `person` (undefined for a shared or machine key). */
export function callerOf(client: Client, person?: string): Caller {
  const who = normalPerson(person);
  return who ? { client, person: who, label: callerLabel(client, who) } : { client, label: client };
}

/**
 * Parse `HEZLEP_API_KEYS`: a JSON list of `{client, person?, key | sha256}`. `person` names who holds the
 * key (the same name on a person's gpt, cursor and human keys), so an approval is checked against people.
 */
export async function parseKeyTable(raw: string): Promise<KeyEntry[]> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ApiError('misconfigured', 'Service configuration is invalid: HEZLEP_API_KEYS is not valid JSON');
  }
  const parsed = z.array(KeySpecSchema).min(1, 'at least one key is required').safeParse(json);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `[${i.path.join('.')}] ${i.message}`).join('; ');
    throw new ApiError('misconfigured', `Service configuration is invalid: HEZLEP_API_KEYS ${why}`);
  }
  return Promise.all(
    parsed.data.map(async (spec) => ({
      caller: callerOf(spec.client, spec.person),
      hash: spec.key !== undefined ? await sha256(spec.key) : fromHex(spec.sha256!.toLowerCase()),
    })),
  );
}

function equalInConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  const subtle = crypto.subtle as SubtleCrypto & {
    timingSafeEqual?: (a: ArrayBufferView, b: ArrayBufferView) => boolean;
  };
  if (typeof subtle.timingSafeEqual === 'function') return subtle.timingSafeEqual(a, b);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * Find the caller for a presented key. Every entry is compared (no early exit),
 * so the time taken does not reveal which entry, if any, matched.
 */
export async function identify(presented: string, table: KeyEntry[]): Promise<Caller | undefined> {
  const digest = await sha256(presented);
  let found: Caller | undefined;
  for (const entry of table) {
    if (equalInConstantTime(digest, entry.hash) && found === undefined) found = entry.caller;
  }
  return found;
}
