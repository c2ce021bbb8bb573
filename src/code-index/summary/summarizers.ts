import { ApiError } from '../../errors';
import { OpenAIFileSummarizer, type FileSummarizer, type ModelSummarySpec } from './model-summary';

/** The summarizer a run's spec names, with its key from the env of whoever runs it (never from stored state). */
export function summarizerFor(spec: ModelSummarySpec, env: Record<string, unknown>): FileSummarizer {
  const apiKey = env.OPENAI_API_KEY;
  if (typeof apiKey !== 'string' || !apiKey)
    throw new ApiError('misconfigured', 'Service configuration is invalid: OPENAI_API_KEY is not set');
  return new OpenAIFileSummarizer(spec, apiKey);
}
