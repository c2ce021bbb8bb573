/**
 * The INTENT_POLICY every Workers test project is deployed with (test/vitest.config.ts): the Worker and the
 * project's ledger object read it from the same env, as in production, so a test picks a kind or a target
 * below instead of sending a policy with its request. A scenario that needs another global setting runs in a
 * vitest project of its own (four-eyes-by-key, broken-policy).
 */
export const TEST_INTENT_POLICY = {
  kinds: {
    /** A deploy that runs only a commit whose checks are green (the checks preflight). */
    'checked-deploy': {
      executor: 'workflow',
      commitBinding: 'branch-head',
      proposers: ['gpt', 'cursor', 'human', 'cron'],
      approvers: ['human', 'cursor'],
      executors: ['gpt', 'cursor', 'human', 'cron'],
      targets: ['*'],
      preflight: { checksGreen: true },
    },
    /** Purging a cache waits for a healthy server (the hosting preflight); restart, which heals one, does not. */
    'purge-cache': { preflight: { hostingHealthy: true } },
  },
  targets: {
    /** Dispatched with an extra workflow input beside `commit` and `intent`. */
    staging: { workflow: 'deploy.yml', inputs: { environment: 'staging' } },
    main: { workflow: 'deploy.yml' },
    /** Its workflow file is not in the repository: GitHub refuses the dispatch. */
    'missing-workflow': { workflow: 'missing-deploy.yml' },
  },
};

/** The test policy with other global settings merged on top (for a project of its own). */
export const testIntentPolicy = (settings: Record<string, unknown> = {}): string =>
  JSON.stringify({ ...TEST_INTENT_POLICY, ...settings });
