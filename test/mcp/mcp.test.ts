import { describe, expect, it } from 'vitest';
import { createRoute, z } from '@hono/zod-openapi';
import { createApp } from '../../src/app';
import { guard } from '../../src/auth/guard';
import { errorResponses } from '../../src/errors';
import { createRouter } from '../../src/routes/router';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { GPT_OPERATIONS } from '../../src/routes/gpt-profile';
import { MAX_TOOLS_PER_CLIENT } from '../../src/mcp/catalog';
import { call, expectStatus } from '../support/http';
import { mcpClient, postMcp } from '../support/mcp';
import { scenario } from '../intents/helpers';

/** A fresh project per test, so context, audit and the query log start empty. */
const freshProject = () => ({ PROJECT_ID: `mcp-${crypto.randomUUID().slice(0, 12)}` });

function structured(result: unknown): Record<string, any> {
  const r = result as CallToolResult;
  expect(r.structuredContent, JSON.stringify(r.content).slice(0, 1000)).toBeTruthy();
  return r.structuredContent as Record<string, any>;
}

function expectToolError(result: unknown, code: string) {
  const r = result as CallToolResult;
  expect(r.isError, JSON.stringify(r).slice(0, 1000)).toBe(true);
  expect(r.structuredContent).toMatchObject({ code, title: expect.any(String), detail: expect.any(String) });
  expect((r.content[0] as { text: string }).text).toContain(code);
}

describe('MCP: connecting', () => {
  it('initializes with the official client and says what it offers', async () => {
    const client = await mcpClient('cursor');
    expect(client.getServerVersion()).toMatchObject({ name: 'hezlep' });
    expect(client.getServerCapabilities()).toMatchObject({ tools: {}, resources: {}, prompts: {} });
    expect(client.getInstructions()).toContain('hezlep://context/prompt');
    await client.close();
  });

  it('accepts the key as Authorization: Bearer', async () => {
    const client = await mcpClient('human', { bearer: true });
    expect((await client.listTools()).tools.length).toBeGreaterThan(15);
    await client.close();
  });

  it('answers a wrong or missing key with a 401 problem before reading any message', async () => {
    await expect(mcpClient({ key: 'not-a-real-key-000000000000' })).rejects.toThrow(/401|nauthori/);
    for (const as of [null, { key: 'not-a-real-key-000000000000' }]) {
      const result = await postMcp('this is not even JSON', as);
      expect(result.status, result.text).toBe(401);
      expect(result.headers.get('content-type')).toContain('application/problem+json');
      expect(result.json).toMatchObject({ code: 'unauthenticated', requestId: expect.any(String) });
    }
    const spoofed = await postMcp('{}', 'gpt', { headers: { 'x-client-id': 'human' } });
    expect(spoofed.status, spoofed.text).toBe(403);
    expect(spoofed.json.code).toBe('client_mismatch');
  });

  it('answers GET and DELETE with 405 (stateless: no event stream, no session)', async () => {
    for (const method of ['GET', 'DELETE']) {
      const result = await call(method, '/mcp', { as: 'cursor', headers: { accept: 'text/event-stream' } });
      expectStatus(result, 405);
      expect(result.headers.get('allow')).toBe('POST');
      expect(result.body).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 } });
    }
    expect((await call('GET', '/mcp')).status).toBe(401);
  });
});

describe('MCP: tools generated from the route registry', () => {
  it('gives each client its own list, at most 40, annotated from the document', async () => {
    const lists: Record<string, { name: string; annotations?: Record<string, unknown>; inputSchema: any }[]> = {};
    for (const as of ['gpt', 'cursor', 'human', 'cron'] as const) {
      const client = await mcpClient(as);
      lists[as] = (await client.listTools()).tools;
      await client.close();
      expect(lists[as]!.length, as).toBeLessThanOrEqual(MAX_TOOLS_PER_CLIENT);
      const names = lists[as]!.map((t) => t.name);
      for (const absent of [
        'openEventStream',
        'createEventTicket',
        'receiveGitHubWebhook',
        'postMcpMessage',
        'getHealthz',
      ]) {
        expect(names, as).not.toContain(absent);
      }
    }
    const names = (as: string) => lists[as]!.map((t) => t.name).sort();
    // gpt: exactly the GPT Action profile.
    expect(names('gpt')).toEqual([...GPT_OPERATIONS].sort());
    // cursor and human see more; each only what its key may call.
    expect(names('cursor').length).toBeGreaterThanOrEqual(15);
    expect(names('cursor')).toEqual(
      expect.arrayContaining(['approveIntent', 'syncCursorSession', 'getMetrics', 'getReview']),
    );
    expect(names('cursor')).not.toContain('runMaintenanceJob');
    expect(names('human')).toEqual(
      expect.arrayContaining(['approveIntent', 'runMaintenanceJob', 'listGptQueries', 'startReindex']),
    );
    expect(names('cron')).not.toContain('listGptQueries');
    expect(names('human').length).toBeGreaterThan(names('gpt').length);

    const tool = (name: string) => lists.human!.find((t) => t.name === name)!;
    expect(tool('getContext').annotations).toMatchObject({ readOnlyHint: true });
    expect(tool('replaceContext').annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: true,
    });
    expect(tool('proposeIntent').annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
    });
    expect(tool('approveIntent').annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    for (const t of lists.human!) expect(typeof t.annotations?.readOnlyHint, t.name).toBe('boolean');

    // Path, query and body merged into one object schema, $refs inlined.
    expect(tool('approveIntent').inputSchema).toMatchObject({
      type: 'object',
      required: ['id'],
      properties: { id: {}, commit: {} },
    });
    expect(tool('proposeIntent').inputSchema.required).toEqual(expect.arrayContaining(['kind', 'target']));
    expect(tool('listAudit').inputSchema.properties).toHaveProperty('limit');
    expect(JSON.stringify(lists.human)).not.toContain('$ref');
  });

  it('the endpoint itself is in the full OpenAPI document, not in the GPT profile', async () => {
    const full = await call('GET', '/openapi.json');
    expect(full.body.paths['/mcp']).toMatchObject({
      post: { operationId: 'postMcpMessage' },
      get: { operationId: 'openMcpStream' },
      delete: { operationId: 'endMcpSession' },
    });
    const gpt = await call('GET', '/openapi.json?profile=gpt');
    expect(gpt.body.paths['/mcp']).toBeUndefined();
  });

  it('every tool is an operation of the OpenAPI document, named by its operationId, described by its summary', async () => {
    const doc = await call('GET', '/openapi.json');
    const operations = new Map<string, { summary: string; method: string }>();
    for (const item of Object.values<any>(doc.body.paths)) {
      for (const [method, op] of Object.entries<any>(item))
        operations.set(op.operationId, { summary: op.summary, method });
    }
    const client = await mcpClient('human');
    for (const tool of (await client.listTools()).tools) {
      const op = operations.get(tool.name);
      expect(op, tool.name).toBeDefined();
      expect(tool.title).toBe(op!.summary);
      expect(tool.description!.startsWith(op!.summary)).toBe(true);
      expect(tool.annotations!.readOnlyHint, tool.name).toBe(op!.method === 'get');
    }
    await client.close();
  });
});

describe('MCP: a new route is a tool with no MCP code', () => {
  it('an operation added to the app appears, typed from its zod schemas, and runs through its own handler', async () => {
    const route = createRoute({
      method: 'post',
      path: '/{shelf}/books',
      operationId: 'shelveBook',
      summary: 'Shelve a book',
      description: 'Test-only operation: echoes what it was given.',
      middleware: guard({ clients: ['cursor', 'human'] }),
      request: {
        params: z.object({ shelf: z.string().regex(/^[a-z]+$/) }),
        query: z.object({ dryRun: z.enum(['yes', 'no']).optional() }),
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.object({ title: z.string().min(1), pages: z.number().int().positive() }).strict(),
            },
          },
        },
      },
      responses: {
        201: {
          description: 'Shelved.',
          content: {
            'application/json': {
              schema: z.object({
                shelf: z.string(),
                title: z.string(),
                pages: z.number(),
                dryRun: z.string().nullable(),
              }),
            },
          },
        },
        ...errorResponses,
      },
    });
    const app = createApp();
    app.route(
      '/ai/library',
      createRouter().openapi(route, (c) => {
        const { shelf } = c.req.valid('param');
        return c.json({ shelf, ...c.req.valid('json'), dryRun: c.req.valid('query').dryRun ?? null }, 201);
      }),
    );

    const cursor = await mcpClient('cursor', { app });
    const tool = (await cursor.listTools()).tools.find((t) => t.name === 'shelveBook');
    expect(tool).toMatchObject({
      title: 'Shelve a book',
      annotations: { readOnlyHint: false, destructiveHint: false },
      inputSchema: {
        type: 'object',
        properties: { shelf: { type: 'string' }, dryRun: {}, title: {}, pages: { type: 'integer' } },
      },
    });
    expect([...(tool!.inputSchema.required ?? [])].sort()).toEqual(['pages', 'shelf', 'title']);
    const shelved = await cursor.callTool({
      name: 'shelveBook',
      arguments: { shelf: 'fiction', dryRun: 'no', title: 'Dune', pages: 412 },
    });
    expect(shelved.structuredContent).toEqual({ shelf: 'fiction', title: 'Dune', pages: 412, dryRun: 'no' });
    expectToolError(
      await cursor.callTool({ name: 'shelveBook', arguments: { shelf: 'Fiction!', title: 'Dune', pages: 0 } }),
      'validation_failed',
    );
    await cursor.close();

    const gpt = await mcpClient('gpt', { app });
    expect((await gpt.listTools()).tools.map((t) => t.name)).not.toContain('shelveBook');
    expectToolError(
      await gpt.callTool({ name: 'shelveBook', arguments: { shelf: 'fiction', title: 'Dune', pages: 1 } }),
      'client_not_allowed',
    );
    await gpt.close();
  });
});

describe('MCP: calling tools through the API', () => {
  it('a read and a write: JSON text plus structuredContent, the same as REST', async () => {
    const project = freshProject();
    const client = await mcpClient('cursor', { env: project });
    const empty = structured(await client.callTool({ name: 'getContext', arguments: {} }));
    expect(empty.live).toBe(false);

    const written = structured(
      await client.callTool({ name: 'replaceContext', arguments: { branch: 'feature/mcp', currentTask: 'wire MCP' } }),
    );
    expect(written).toMatchObject({ live: true, context: { branch: 'feature/mcp' } });

    const read = (await client.callTool({ name: 'getContext', arguments: {} })) as CallToolResult;
    expect(JSON.parse((read.content[0] as { text: string }).text)).toEqual(read.structuredContent);
    const rest = await call('GET', '/ai/context', { as: 'human', env: project });
    expect(read.structuredContent).toMatchObject({ context: rest.body.context, version: rest.body.version });

    const digest = structured(await client.callTool({ name: 'getContext', arguments: { view: 'prompt' } }));
    expect(digest.text).toContain('feature/mcp');
    await client.close();

    // The write is audited as the cursor key's identity, like a REST write.
    const audit = await call('GET', '/ai/audit?limit=10', { as: 'human', env: project });
    expect(audit.body.entries.some((e: any) => e.actor.client === 'cursor' && e.action.startsWith('context.'))).toBe(
      true,
    );
  });

  it('a proposal through MCP is audited; the gpt key cannot approve it (policy refusal as isError)', async () => {
    const s = scenario();
    await s.createBranch('staging');
    const cursor = await mcpClient('cursor', { env: s.env });
    const proposed = structured(
      await cursor.callTool({
        name: 'proposeIntent',
        arguments: { kind: 'deploy', target: 'staging', reason: 'via MCP' },
      }),
    );
    expect(proposed).toMatchObject({ created: true, intent: { state: 'proposed', proposedBy: { client: 'cursor' } } });
    const id = proposed.intent.id as string;
    await cursor.close();

    const audit = await s.call('GET', `/ai/audit?target=${encodeURIComponent(`intent:${id}`)}`, 'human');
    expectStatus(audit, 200);
    expect(audit.body.entries).toEqual([
      expect.objectContaining({ action: 'intent.propose', actor: expect.objectContaining({ client: 'cursor' }) }),
    ]);

    const gpt = await mcpClient('gpt', { env: s.env });
    expectToolError(await gpt.callTool({ name: 'approveIntent', arguments: { id } }), 'policy_denied');
    await gpt.close();
    const still = await s.call('GET', `/ai/intents/${id}`, 'human');
    expect(still.body.intent.state).toBe('proposed');
  });

  it('a client the route does not allow gets the same refusal as over REST', async () => {
    const client = await mcpClient('cursor');
    expectToolError(
      await client.callTool({ name: 'runMaintenanceJob', arguments: { job: 'audit-rotation' } }),
      'client_not_allowed',
    );
    await client.close();
  });

  it('bad arguments are validation errors, never a 500', async () => {
    const client = await mcpClient('human', { env: freshProject() });
    expectToolError(await client.callTool({ name: 'listAudit', arguments: { limit: 'lots' } }), 'validation_failed');
    expectToolError(await client.callTool({ name: 'getIntent', arguments: { id: 'not-a-uuid' } }), 'validation_failed');
    expectToolError(await client.callTool({ name: 'getIntent', arguments: {} }), 'validation_failed');
    expectToolError(await client.callTool({ name: 'getStatus', arguments: { nonsense: true } }), 'validation_failed');
    expectToolError(
      await client.callTool({ name: 'proposeIntent', arguments: { kind: 'deploy' } }),
      'validation_failed',
    );
    // An argument of 1 MB goes through and is refused by the operation's own body limit.
    expectToolError(
      await client.callTool({ name: 'updateContext', arguments: { notes: 'x'.repeat(1024 * 1024) } }),
      'payload_too_large',
    );
    await expect(client.callTool({ name: 'noSuchTool', arguments: {} })).rejects.toThrow(/Unknown tool/);
    await client.close();
  });

  it("the gpt client's tool calls land in the GPT query log, as its REST calls do", async () => {
    const project = freshProject();
    const client = await mcpClient('gpt', { env: project });
    structured(await client.callTool({ name: 'listAudit', arguments: { limit: 3 } }));
    await client.close();
    const queries = await call('GET', '/ai/queries', { as: 'human', env: project });
    expectStatus(queries, 200);
    expect(queries.body.queries).toEqual([
      expect.objectContaining({ method: 'GET', path: '/ai/audit', status: 200, params: { limit: '3' } }),
    ]);
  });
});

describe('MCP: resources and prompts', () => {
  it('lists and reads the context, the prompt digest, the review and the Cursor sessions', async () => {
    const project = freshProject();
    expectStatus(
      await call('PUT', '/ai/context', {
        as: 'human',
        env: project,
        body: { branch: 'release/7', currentTask: 'cut 7.0' },
      }),
      200,
    );
    const client = await mcpClient('gpt', { env: project });
    const uris = (await client.listResources()).resources.map((r) => r.uri);
    expect(uris).toEqual(
      expect.arrayContaining([
        'hezlep://context',
        'hezlep://context/prompt',
        'hezlep://review',
        'hezlep://cursor/sessions',
      ]),
    );

    const [context] = (await client.readResource({ uri: 'hezlep://context' })).contents as {
      text: string;
      mimeType: string;
    }[];
    expect(context!.mimeType).toBe('application/json');
    expect(JSON.parse(context!.text)).toMatchObject({ live: true, context: { branch: 'release/7' } });

    const [digest] = (await client.readResource({ uri: 'hezlep://context/prompt' })).contents as {
      text: string;
      mimeType: string;
    }[];
    expect(digest!.mimeType).toBe('text/plain');
    expect(digest!.text).toContain('release/7');

    const [review] = (await client.readResource({ uri: 'hezlep://review' })).contents as { text: string }[];
    expect(JSON.parse(review!.text).summary.length).toBeGreaterThan(0);

    await expect(client.readResource({ uri: 'hezlep://nothing' })).rejects.toThrow(/not found/i);
    await client.close();
  });

  it('offers "review the project" and "sync with my Cursor session", each reading its resources', async () => {
    const project = freshProject();
    const client = await mcpClient('cursor', { env: project });
    expect((await client.listPrompts()).prompts.map((p) => p.name).sort()).toEqual([
      'review-project',
      'sync-cursor-session',
    ]);

    const review = await client.getPrompt({ name: 'review-project' });
    expect(review.messages[0]).toMatchObject({ role: 'user', content: { type: 'text' } });
    const attached = review.messages.slice(1).map((m) => (m.content as { resource: { uri: string } }).resource.uri);
    expect(attached).toEqual(['hezlep://review', 'hezlep://context/prompt']);

    const sync = await client.getPrompt({ name: 'sync-cursor-session' });
    expect(sync.messages.slice(1).map((m) => (m.content as { resource: { uri: string } }).resource.uri)).toContain(
      'hezlep://cursor/sessions',
    );
    await expect(client.getPrompt({ name: 'nope' })).rejects.toThrow(/Unknown prompt/);
    await client.close();
  });
});

describe('MCP: bad input gets a JSON-RPC error, never a 500', () => {
  const rpc = (id: number, method: string, params: Record<string, unknown> = {}) => ({
    jsonrpc: '2.0',
    id,
    method,
    params,
  });

  it('malformed JSON and a message that is not JSON-RPC', async () => {
    const broken = await postMcp('{"jsonrpc": "2.0", "id": 1, "method": ', 'cursor');
    expect(broken.status, broken.text).toBe(400);
    expect(broken.json).toMatchObject({ jsonrpc: '2.0', error: { code: -32700 } });

    const notRpc = await postMcp(JSON.stringify({ hello: 'world' }), 'cursor');
    expect(notRpc.status, notRpc.text).toBe(400);
    expect(notRpc.json.error.code).toBeLessThan(-32000);
  });

  it('an unknown method', async () => {
    const result = await postMcp(JSON.stringify(rpc(7, 'tools/explode')), 'cursor');
    expect(result.status, result.text).toBe(200);
    expect(result.json).toMatchObject({ jsonrpc: '2.0', id: 7, error: { code: -32601 } });
  });

  it('a batch of 1,000 calls is refused whole; a small batch is answered', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => rpc(i, 'tools/call', { name: 'getContext', arguments: {} }));
    const refused = await postMcp(JSON.stringify(many), 'cursor');
    expect(refused.status, refused.text.slice(0, 500)).toBe(400);
    expect(refused.json).toMatchObject({ jsonrpc: '2.0', error: { code: -32600 } });

    const few = await postMcp(JSON.stringify([rpc(1, 'tools/list'), rpc(2, 'resources/list')]), 'cursor');
    expect(few.status, few.text.slice(0, 500)).toBe(200);
    expect(few.json.map((r: { id: number }) => r.id).sort()).toEqual([1, 2]);
  });

  it('a request body over the endpoint limit is a 413 JSON-RPC error', async () => {
    const huge = JSON.stringify(
      rpc(1, 'tools/call', { name: 'updateContext', arguments: { notes: 'x'.repeat(3 * 1024 * 1024) } }),
    );
    const result = await postMcp(huge, 'cursor');
    expect(result.status, result.text.slice(0, 500)).toBe(413);
    expect(result.json).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 } });
  });
});
