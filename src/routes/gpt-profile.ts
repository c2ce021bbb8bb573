/**
 * The operations a ChatGPT custom GPT imports as its Action (`/openapi.json?profile=gpt`).
 * GPT Actions take about 30 operations at most, so the list is chosen, not derived:
 * an area adds its GPT-facing operation by adding its operationId here (review,
 * search, GitHub activity, intents, …). Every operation listed must allow the gpt client.
 */
export const GPT_OPERATIONS: readonly string[] = [
  // review and health
  'getReview',
  'getDailyDigest',
  'getStatus',
  'getWordPressHealth',
  'getCloudwaysHealth',
  'listCloudwaysServers',
  'listCloudwaysApps',
  // shared working context
  'getContext',
  'replaceContext',
  'updateContext',
  'clearContext',
  // audit timeline
  'listAudit',
  // GitHub visibility
  'getGitHubActivity',
  'getGitHubRepo',
  'listGitHubCommits',
  'listGitHubRuns',
  'getGitHubRun',
  'listGitHubPulls',
  'searchGitHubCode',
  // code search over the index
  'searchCode',
  'recallAcrossRepos',
  'getCodeIndexStatus',
  // what Cursor is doing
  'listCursorSessions',
  // intents: the GPT proposes, follows and may cancel or run what a human approved; it never approves
  'proposeIntent',
  'listIntents',
  'getIntent',
  'getIntentChanges',
  'cancelIntent',
  'executeIntent',
];

/** The most operations a GPT Action accepts. */
export const GPT_OPERATION_LIMIT = 30;
