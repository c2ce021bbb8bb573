import { createServer } from 'node:http';
import { createHash } from 'node:crypto';

/**
 * A local server speaking OpenAI's `POST /v1/embeddings` shape: bearer auth, `input` as a
 * string or a list, optional `dimensions`, `data[].index`/`embedding`, `usage`. Vectors are
 * deterministic (derived from a hash of the text). `GET /_stats` reports the calls it saw.
 */
export interface OpenAIEmbeddingsServer {
  url: string;
  apiKey: string;
  stop(): Promise<void>;
}

export async function startOpenAIEmbeddingsServer(options: { apiKey: string }): Promise<OpenAIEmbeddingsServer> {
  const calls: { model: string; inputs: number }[] = [];
  const server = createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && req.url === '/_stats') return reply(200, { calls });
    if (req.method === 'DELETE' && req.url === '/_stats') {
      calls.length = 0;
      return reply(200, {});
    }
    if (req.method !== 'POST' || req.url !== '/v1/embeddings')
      return reply(404, { error: { message: 'not found', type: 'invalid_request_error' } });
    if (req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return reply(401, {
        error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' },
      });
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        model: string;
        input: string | string[];
        dimensions?: number;
      };
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
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
