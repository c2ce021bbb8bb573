import { describe, expect, it } from 'vitest';
import { createRoute, z } from '@hono/zod-openapi';
import { createApp } from '../../src/app';
import { guard } from '../../src/auth/guard';
import { errorResponses } from '../../src/errors';
import { createRouter } from '../../src/routes/router';
import { GPT_OPERATIONS } from '../../src/routes/gpt-profile';
import { MAX_TOOLS_PER_CLIENT } from '../../src/mcp/catalog';
import { call } from '../support/http';
import { expectToolError, mcpClient } from '../support/mcp';

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
