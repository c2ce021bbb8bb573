import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import type { ChatBehaviour } from './controls';
import { chatCompletions } from './openai-chat';

/**
 * A local server speaking OpenAI's shapes: `POST /v1/embeddings` (bearer auth, `input` as a
 * string or a list, optional `dimensions`, `data[].index`/`embedding`, `usage`; vectors derived
 * from a hash of the text) and `POST /v1/chat/completions` (./openai-chat.ts). `GET /_stats`
 * reports the embedding calls it saw; `PUT|GET /_chat/:model` sets a chat model's behaviour and
 * lists the calls made with it.
 */
export interface OpenAIEmbeddingsServer {
  url: string;
  apiKey: string;
  stop(): Promise<void>;
}

export async function startOpenAIEmbeddingsServer(options: { apiKey: string }): Promise<OpenAIEmbeddingsServer> {
  const calls: { model: string; inputs: number }[] = [];
  const chat = chatCompletions();
  const server = createServer((req, res) => {
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const url = req.url ?? '/';
    if (req.method === 'GET' && url === '/_stats') return reply(200, { calls });
    if (req.method === 'DELETE' && url === '/_stats') {
      calls.length = 0;
      return reply(200, {});
    }
    const control = /^\/_chat\/([^/?]+)$/.exec(url);
    if (control && req.method === 'GET') return reply(200, { calls: chat.callsFor(decodeURIComponent(control[1]!)) });
    const known = url === '/v1/embeddings' || url === '/v1/chat/completions';
    if (!(control && req.method === 'PUT') && (req.method !== 'POST' || !known))
      return reply(404, { error: { message: 'not found', type: 'invalid_request_error' } });
    if (!control && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return reply(401, {
        error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' },
      });
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        return reply(400, { error: { message: 'We could not parse the JSON body.', type: 'invalid_request_error' } });
      }
      if (control) {
        chat.behave(decodeURIComponent(control[1]!), parsed as ChatBehaviour);
        return reply(200, {});
      }
      if (url === '/v1/chat/completions') return chat.complete(parsed, reply);
      const body = parsed as { model: string; input: string | string[]; dimensions?: number };
      const inputs = Array.isArray(body.input) ? body.input : [body.input];
      if (inputs.length > 2048)
        return reply(400, { error: { message: 'too many inputs', type: 'invalid_request_error' } });
      calls.push({ model: body.model, inputs: inputs.length });
      const dimensions = body.dimensions ?? 1536;
      const data = inputs.map((text, index) => {
        const seed = createHash('sha256').update(text).digest();
        const embedding = Array.from({ length: dimensions }, (_, i) => ((seed[i % 32]! ^ (i * 31)) % 200) / 100 - 1);
        return { object: 'embedding', index, embedding };
      });
      reply(200, {
        object: 'list',
        data,
        model: body.model,
        usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    apiKey: options.apiKey,
    stop: () =>
      new Promise<void>((resolve) => {
        // A hanging chat call holds its socket: close every connection so the server can stop.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
