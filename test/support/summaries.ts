import { expect, inject } from 'vitest';
import { call, expectStatus } from './http';
import type { FixtureRepo } from './index-fixtures';
import type { SearchResponse } from '../../src/routes/search/search';
import type { ChatBehaviour, ChatCall } from '../../src/local/upstreams/controls';

/** The local OpenAI stand-in (chat completions for model-written summaries), steered per model name. */
export const chatServer = inject('openaiEmbeddings');
const standIn = chatServer.url.replace(/\/v1$/, '');
export const SECRET = 'AKIAIOSFODNN7EXAMPLE';

/** A model name of the test's own: the stand-in scopes behaviour and call counts by model. */
export const freshModel = () => `test-summary-${crypto.randomUUID().slice(0, 8)}`;

export async function behave(model: string, behaviour: ChatBehaviour): Promise<void> {
  const response = await fetch(`${standIn}/_chat/${model}`, { method: 'PUT', body: JSON.stringify(behaviour) });
  expect(response.status).toBe(200);
}

export async function chatCalls(model: string): Promise<ChatCall[]> {
  return ((await (await fetch(`${standIn}/_chat/${model}`)).json()) as { calls: ChatCall[] }).calls;
}

export const LEDGER = `/** Reconciles ledger entries against account balances. */
export function reconcileLedger(entries: number[], balance: number): number {
  const total = entries.reduce((sum, value) => sum + value, 0);
  if (total !== balance) console.warn('ledger out of balance', total, balance);
  return balance - total;
}

/** Rounds an amount to cents. */
export function roundCents(amount: number): number {
  return Math.round(amount * 100) / 100;
}
`;

export const KEYS = `/** Where the storage client finds its credentials. */
export const storageAccessKey = '${SECRET}';

export function storageClientOptions(region: string) {
  return { region, accessKeyId: storageAccessKey, retries: 3, timeoutMs: 5000, userAgent: 'hezlep-storage' };
}
`;

/** Two source files over the summary threshold (one holding a secret), a tiny one and a doc. */
export const SUMMARY_FILES = {
  'src/ledger/reconcile.ts': LEDGER,
  'src/storage/keys.ts': KEYS,
  'src/tiny.ts': 'export const tiny = 1;\n',
  'docs/guide.md': `# Guide\n\n${'The deploy script pushes the worker to production. '.repeat(10)}\n`,
};

/** Search the repository's index as `as` (k = 8). */
export async function searchIndex(repo: FixtureRepo, q: string, as: 'gpt' | 'cursor' = 'gpt') {
  const result = await call<SearchResponse>('GET', `/ai/search?q=${encodeURIComponent(q)}&k=8`, {
    as,
    env: repo.env,
  });
  expectStatus(result, 200);
  return result.body.results;
}
