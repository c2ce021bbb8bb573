import OpenAI from 'openai';
import { ApiError } from '../../errors';
import { redactSecrets } from '../../redaction/secrets';

/** Which files get a model-written summary and how much each may cost; the key comes from the env where it runs. */
export interface ModelSummarySpec {
  model: string;
  baseUrl?: string;
  /** Source files (not docs, data or config) of at least this many characters, after redaction. */
  minChars: number;
  /** At most this many characters of the file go into the prompt (about a quarter as many tokens). */
  maxInputChars: number;
  /** Model calls per run at most; the files over the budget stay owed to the next run. */
  maxPerRun: number;
  timeoutMs: number;
}

/** Bumped when the prompt changes: summaries cached under another version are written again. */
export const SUMMARY_PROMPT_VERSION = 'p1';
/** The answer's length, in tokens (one paragraph) and characters (what is stored and returned). */
export const MAX_SUMMARY_TOKENS = 160;
export const MAX_MODEL_SUMMARY_CHARS = 900;

/** Languages that are not source code: described well enough by their headings or keys. */
const NOT_SOURCE = new Set([
  'markdown',
  'text',
  'json',
  'yaml',
  'toml',
  'ini',
  'xml',
  'html',
  'css',
  'graphql',
  'protobuf',
]);

/** The id summaries are cached and compared under: the model and the prompt version. */
export function summarizerId(spec: ModelSummarySpec | null | undefined): string {
  return spec ? `openai:${spec.model}:${SUMMARY_PROMPT_VERSION}` : 'none';
}

export function wantsModelSummary(spec: ModelSummarySpec, language: string, redactedText: string): boolean {
  return !NOT_SOURCE.has(language) && redactedText.length >= spec.minChars;
}

const SYSTEM = [
  'You write one short paragraph (at most 80 words) describing a source file for a code search index.',
  'Say what the file is for, its main exported functions, classes or types, and what it depends on.',
  'Plain prose, no code, no lists, no headings. Never repeat string literals, keys or credentials.',
].join(' ');

/** The messages for one file: its path and language, then its (already redacted) text, cut to the budget. */
export function summaryPrompt(
  file: { path: string; language: string; text: string },
  maxInputChars: number,
): { role: 'system' | 'user'; content: string }[] {
  const cut = file.text.length > maxInputChars;
  const body = cut ? file.text.slice(0, maxInputChars) : file.text;
  return [
    { role: 'system', content: SYSTEM },
    {
      role: 'user',
      content: `File: ${file.path}\nLanguage: ${file.language}\n${cut ? `(first ${maxInputChars} of ${file.text.length} characters)\n` : ''}\n${body}`,
    },
  ];
}

/** A one-paragraph description of a file, written by a model. */
export interface FileSummarizer {
  readonly id: string;
  /** `text` must already be redacted; the answer is redacted again and bounded. */
  summarize(file: { path: string; language: string; text: string }): Promise<string>;
}

/** Chat completions from OpenAI or any server speaking its shape (`OPENAI_BASE_URL`). */
export class OpenAIFileSummarizer implements FileSummarizer {
  readonly id: string;
  private readonly client: OpenAI;

  constructor(
    private readonly spec: ModelSummarySpec,
    apiKey: string,
  ) {
    this.id = summarizerId(spec);
    // No retries here: a failed summary leaves the deterministic one and is owed to the next run.
    this.client = new OpenAI({ apiKey, baseURL: spec.baseUrl, maxRetries: 0, timeout: spec.timeoutMs });
  }

  async summarize(file: { path: string; language: string; text: string }): Promise<string> {
    let content: string | null | undefined;
    try {
      const response = await this.client.chat.completions.create({
        model: this.spec.model,
        messages: summaryPrompt(file, this.spec.maxInputChars),
        max_completion_tokens: MAX_SUMMARY_TOKENS,
      });
      content = response.choices[0]?.message?.content;
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 429)
        throw new ApiError('rate_limited', 'The summary model rate-limited the request.', { internal: error });
      if (status === undefined)
        throw new ApiError('upstream_unavailable', 'The summary model could not be reached or timed out.', {
          internal: error,
        });
      throw new ApiError('upstream_error', `The summary model answered ${status}.`, { internal: error });
    }
    const text = redactSecrets((content ?? '').replace(/\s+/g, ' ').trim()).text;
    if (!text) throw new ApiError('upstream_error', 'The summary model returned no text.');
    return text.length > MAX_MODEL_SUMMARY_CHARS ? `${text.slice(0, MAX_MODEL_SUMMARY_CHARS - 1)}…` : text;
  }
}
