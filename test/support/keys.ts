import type { Client } from '../../src/auth/keys';

/** API keys the test Worker is configured with. Test-only values. */
export const TEST_KEYS = {
  gpt: 'test-gpt-key-0123456789abcdef',
  cursor: 'test-cursor-key-0123456789abcdef',
  human: 'test-human-key-0123456789abcdef',
  cron: 'test-cron-key-0123456789abcdef',
  /** A second human, to tell people apart. */
  humanBob: 'test-human-bob-key-0123456789abcdef',
  cursorBob: 'test-cursor-bob-key-0123456789abcdef',
} as const;

export type TestIdentity = keyof typeof TEST_KEYS;

export const TEST_KEY_TABLE: { client: Client; person?: string; key: string }[] = [
  { client: 'gpt', key: TEST_KEYS.gpt },
  { client: 'cursor', person: 'alice', key: TEST_KEYS.cursor },
  { client: 'human', person: 'alice', key: TEST_KEYS.human },
  { client: 'cron', key: TEST_KEYS.cron },
  { client: 'human', person: 'bob', key: TEST_KEYS.humanBob },
  { client: 'cursor', person: 'bob', key: TEST_KEYS.cursorBob },
];
