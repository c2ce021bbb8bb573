import { describeAuthCases } from '../../support/auth-cases';

// Its answers, with the other Cloudways routes', are tested in ./index.test.ts.
describeAuthCases('GET', '/ai/cloudways/health', ['gpt', 'cursor', 'human', 'cron']);
