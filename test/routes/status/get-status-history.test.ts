import { describeAuthCases } from '../../support/auth-cases';

// The history it answers (uptime buckets from the status probes) is tested in test/status/uptime.test.ts.
describeAuthCases('GET', '/ai/status/history', ['gpt', 'cursor', 'human', 'cron']);
