import { describeAuthCases } from '../../support/auth-cases';

// The status it answers (runs, progress, freshness) is tested with the code index, in test/code-index/.
describeAuthCases('GET', '/ai/github/index', ['gpt', 'cursor', 'human', 'cron']);
