/**
 * The index settings of the vitest projects (test/vitest.config.ts). The repository index object reads its
 * configuration (GitHub URL, embedder, vectors, limits, summaries, history, ranking weights) from its own env, as the
 * Worker does, so a test that needs another setting runs in the project that has it, never with a per-request env.
 * Tests read the values here to state what they expect; this file is imported by the Node-side config, so it is plain data.
 */

/** Every Workers project: retries come quickly (the GitHub stand-in's URL is added from the global setup). */
export const BASE_INDEX_SETTINGS = { INDEX_RETRY_BASE_MS: '20' } as const;

/**
 * `index-limits`: run mechanics in small steps, one file a batch, five attempts with room between them (a test
 * clears a fault while the run waits), three GitHub requests of history a run, and file-level ranking alone.
 */
export const INDEX_LIMITS_SETTINGS = {
  INDEX_BATCH_FILES: '1',
  INDEX_MAX_ATTEMPTS: '5',
  INDEX_RETRY_BASE_MS: '100',
  INDEX_HISTORY_PER_RUN: '3',
  SEARCH_WEIGHTS: '{"chunk":0,"vector":0}',
} as const;

/** `index-vectorize`: the production path (Workers AI + Vectorize) against the local bindings, patient with a failing upsert. */
export const INDEX_VECTORIZE_SETTINGS = {
  INDEX_EMBEDDER: 'workers-ai',
  INDEX_VECTOR_STORE: 'vectorize',
  INDEX_LOCAL_BINDINGS: 'true',
  VECTORIZE_INDEX_NAME: 'test-code',
  INDEX_MAX_ATTEMPTS: '20',
  INDEX_RETRY_BASE_MS: '200',
} as const;

/** `index-summaries`: model-written summaries from the local OpenAI stand-in, under one model name the tests steer. */
export const INDEX_SUMMARIES_SETTINGS = {
  INDEX_MODEL_SUMMARIES: 'true',
  OPENAI_SUMMARY_MODEL: 'test-summary-project',
  INDEX_SUMMARY_MIN_CHARS: '200',
  // A hanging model is given up on after this; the stand-in answers the others well within it.
  INDEX_SUMMARY_TIMEOUT_MS: '2000',
} as const;

/** `index-history-cut`: the evaluation's time split, before any fixture commit. */
export const INDEX_HISTORY_CUT_SETTINGS = { INDEX_HISTORY_UNTIL: '2001-01-01T00:00:00Z' } as const;

/** `index-votes`: only the similar-past-commits signal (and the file index, which the questions never match). */
export const INDEX_VOTES_SETTINGS = { SEARCH_WEIGHTS: '{"history":0,"chunk":0,"vector":0,"commits":1}' } as const;
