import { createHash } from 'node:crypto';
import type { ChatBehaviour, ChatCall } from './controls';

/**
 * `POST /v1/chat/completions` of the local OpenAI stand-in, in OpenAI's response shape
 * (`chat.completion` with `choices[].message`, `finish_reason` and `usage`). The answer is a
 * deterministic paragraph naming the file the prompt describes; behaviour is set per model name,
 * so tests that each use a model of their own never meet: a reply template, a scripted failure
 * status (429 carries `retry-after`), or a hang (the caller's timeout ends it). Every call is
 * counted per model with the prompt it carried, so a test can prove what was (not) sent.
 */
/** The stand-in keeps the latest calls only, so a long benchmark does not grow it without bound. */
const MAX_CALLS_KEPT = 2000;

type Reply = (status: number, body: unknown, headers?: Record<string, string>) => void;

const ERROR_TYPES: Record<number, { type: string; code: string | null; message: string }> = {
  429: {
    type: 'requests',
    code: 'rate_limit_exceeded',
    message: 'Rate limit reached for requests. Please try again in 20s.',
  },
  500: { type: 'server_error', code: null, message: 'The server had an error while processing your request.' },
  503: { type: 'server_error', code: null, message: 'The engine is currently overloaded, please try again later.' },
};

export function chatCompletions() {
  const behaviours = new Map<string, ChatBehaviour>();
  const calls: ChatCall[] = [];

  function complete(body: Record<string, unknown>, reply: Reply): void {
    const model = typeof body.model === 'string' ? body.model : '';
    const messages = Array.isArray(body.messages) ? (body.messages as { role?: string; content?: unknown }[]) : null;
    if (!model || !messages?.length) {
      reply(400, {
        error: {
          message: "Missing required parameter: 'model' or 'messages'.",
          type: 'invalid_request_error',
          param: model ? 'messages' : 'model',
          code: 'missing_required_parameter',
        },
      });
      return;
    }
    const prompt = messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n');
    const path = /^File: (.+)$/m.exec(prompt)?.[1] ?? null;
    const maxTokens = Number(body.max_completion_tokens ?? body.max_tokens ?? Number.NaN);
    calls.push({ model, path, prompt, maxTokens: Number.isFinite(maxTokens) ? maxTokens : null });
    if (calls.length > MAX_CALLS_KEPT) calls.splice(0, calls.length - MAX_CALLS_KEPT);
    const behaviour = behaviours.get(model) ?? {};
    if (behaviour.hang) return; // the socket stays open until the client aborts
    if (behaviour.fail && behaviour.fail.times !== 0) {
      if (behaviour.fail.times > 0) behaviour.fail.times--;
      const status = behaviour.fail.status;
      const error = ERROR_TYPES[status] ?? ERROR_TYPES[500]!;
      reply(
        status,
        { error: { message: error.message, type: error.type, param: null, code: error.code } },
        status === 429 ? { 'retry-after': '20', 'x-ratelimit-remaining-requests': '0' } : {},
      );
      return;
    }
    const content = (
      behaviour.reply ?? '{path} is summarised by the local OpenAI stand-in: it holds the code shown in the prompt.'
    ).replaceAll('{path}', path ?? 'This file');
    const promptTokens = Math.ceil(prompt.length / 4);
    const completionTokens = Math.ceil(content.length / 4);
    reply(200, {
      id: `chatcmpl-${createHash('sha256').update(`${calls.length}:${prompt}`).digest('hex').slice(0, 29)}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content, refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: {
          reasoning_tokens: 0,
          audio_tokens: 0,
          accepted_prediction_tokens: 0,
          rejected_prediction_tokens: 0,
        },
      },
      service_tier: 'default',
      system_fingerprint: 'fp_local0000',
    });
  }

  return {
    complete,
    /** PUT /_chat/:model — set (or with `{}`, clear) a model's behaviour. */
    behave(model: string, behaviour: ChatBehaviour): void {
      behaviours.set(model, behaviour);
    },
    /** GET /_chat/:model — the calls made with this model. */
    callsFor(model: string): ChatCall[] {
      return calls.filter((call) => call.model === model);
    },
  };
}
