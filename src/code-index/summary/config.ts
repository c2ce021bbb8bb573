import { z } from 'zod';
import { intVar, varsSection } from '../../lib/vars';
import type { ModelSummarySpec } from './model-summary';

/**
 * Model-written file summaries: off unless turned on, and then only with an OpenAI key
 * (`OPENAI_API_KEY`, `OPENAI_BASE_URL` belong to the code index section and are read from it).
 */
export const summaryVars = varsSection(
  'Model-written file summaries',
  z.object({
    INDEX_MODEL_SUMMARIES: z
      .enum(['true', 'false', '1', '0'])
      .default('false')
      .describe(
        'true: at index time, a model-written paragraph per source file (needs OPENAI_API_KEY), cached by blob hash.',
      ),
    OPENAI_SUMMARY_MODEL: z
      .string()
      .trim()
      .min(1)
      .default('gpt-4o-mini')
      .describe('Chat model that writes the file summaries.'),
    INDEX_SUMMARY_MIN_CHARS: intVar(1_500, 0, 1_000_000).describe(
      'Only source files at least this long (characters, after redaction) get a model summary.',
    ),
    INDEX_SUMMARY_MAX_INPUT_CHARS: intVar(16_000, 500, 200_000).describe(
      'At most this many characters of a file are sent to the model (about 4,000 tokens by default).',
    ),
    INDEX_SUMMARY_MAX_PER_RUN: intVar(2_000, 1, 1_000_000).describe(
      'Model calls per index run at most; the files over it are summarised by the next run.',
    ),
    INDEX_SUMMARY_TIMEOUT_MS: intVar(30_000, 50, 600_000).describe(
      'A summary call that takes longer is abandoned (the file keeps its deterministic summary).',
    ),
  }),
  (v) => ({
    enabled: v.INDEX_MODEL_SUMMARIES === 'true' || v.INDEX_MODEL_SUMMARIES === '1',
    spec: {
      model: v.OPENAI_SUMMARY_MODEL,
      minChars: v.INDEX_SUMMARY_MIN_CHARS,
      maxInputChars: v.INDEX_SUMMARY_MAX_INPUT_CHARS,
      maxPerRun: v.INDEX_SUMMARY_MAX_PER_RUN,
      timeoutMs: v.INDEX_SUMMARY_TIMEOUT_MS,
    } satisfies Omit<ModelSummarySpec, 'baseUrl'>,
  }),
);
