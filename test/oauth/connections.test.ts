import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { createRoute, z } from '@hono/zod-openapi';
import { call, expectProblem, expectStatus } from '../support/http';
import { appFetch, mcpClient } from '../support/mcp';
import { createApp } from '../../src/app';
import { guard } from '../../src/auth/guard';
import { errorResponses } from '../../src/errors';
import { createRouter } from '../../src/routes/router';
import { ORIGIN, connect, oauthMcpClient } from '../support/oauth';
import { TEST_KEYS } from '../support/keys';
import { scenario } from '../intents/helpers';

// A planted, test-only credential in a shape the scanner knows.
const AWS_KEY = 'AKIAQ3EGRUXHWNJ7Z5PK';

function toolError(result: unknown): Record<string, any> {
  const r = result as CallToolResult;
  expect(r.isError, JSON.stringify(r).slice(0, 1000)).toBe(true);
  return r.structuredContent as Record<string, any>;
}

function structured(result: unknown): Record<string, any> {
  const r = result as CallToolResult;
  expect(r.isError, JSON.stringify(r).slice(0, 1000)).toBeFalsy();
  return r.structuredContent as Record<string, any>;
}

describe('a gpt-role connection is the gpt key with a person', () => {
  it('is offered exactly the gpt tools, cannot approve, cannot deploy main, and is audited as person and app', async () => {
    const s = scenario();
    await s.createBranch('staging');
    await s.createBranch('main');
    const { tokens } = await connect({ role: 'gpt', env: s.env });
    const connection = await oauthMcpClient(tokens.access_token, s.env);
    const gptKey = await mcpClient('gpt', { env: s.env });
    expect((await connection.listTools()).tools.map((t) => t.name)).toEqual(
      (await gptKey.listTools()).tools.map((t) => t.name),
    );

    const proposed = structured(
      await connection.callTool({ name: 'proposeIntent', arguments: { kind: 'deploy', target: 'staging' } }),
    );
    expect(proposed.intent.proposedBy).toMatchObject({ client: 'gpt', person: 'alice' });
    const audit = await s.call(
      'GET',
      `/ai/audit?target=${encodeURIComponent(`intent:${proposed.intent.id}`)}`,
      'human',
    );
    expect(audit.body.entries[0]).toMatchObject({
      action: 'intent.propose',
      actor: { client: 'gpt', person: 'alice' },
      detail: { connection: { clientName: 'Test app', clientId: expect.any(String) } },
    });

    // bob (another person) proposes a deploy of main; a human approves it; the gpt connection may not run it.
    const main = await s.propose('humanBob', { kind: 'deploy', target: 'main' });
    expect(toolError(await connection.callTool({ name: 'approveIntent', arguments: { id: main.id } }))).toMatchObject({
      code: 'policy_denied',
      rule: 'gpt-never-approves',
    });
    expectStatus(await s.call('POST', `/ai/intents/${main.id}/approve`, 'cursor', {}), 200);
    expect(toolError(await connection.callTool({ name: 'executeIntent', arguments: { id: main.id } }))).toMatchObject({
      code: 'policy_denied',
      rule: 'gpt-never-deploys-protected',
    });
    expect(
      toolError(await connection.callTool({ name: 'proposeIntent', arguments: { kind: 'deploy', target: 'main' } })),
    ).toMatchObject({ code: 'policy_denied', rule: 'gpt-never-deploys-protected' });
    // What only humans may read stays closed to it, exactly as to the gpt key.
    expect(toolError(await connection.callTool({ name: 'listGptQueries', arguments: {} }))).toMatchObject({
      code: 'client_not_allowed',
    });
    await connection.close();
    await gptKey.close();
  });

  it('gets the gpt view: an answer redacted for the gpt key is redacted for it; its calls are in the query log', async () => {
    // A test-only operation that answers a planted key: the redaction boundary acts on the way out.
    const route = createRoute({
      method: 'get',
      path: '/',
      operationId: 'readPlantedNote',
      summary: 'Read a planted note',
      description: 'Test-only operation: answers a note with a planted credential.',
      middleware: guard({ clients: ['gpt', 'human'] }),
      responses: {
        200: { description: 'The note.', content: { 'application/json': { schema: z.object({ note: z.string() }) } } },
        ...errorResponses,
      },
    });
    const app = createApp();
    app.route(
      '/ai/planted',
      createRouter().openapi(route, (c) => c.json({ note: `deploy key ${AWS_KEY}` }, 200)),
    );
    const s = scenario();
    const fetcher = appFetch({ env: s.env, app });
    const read = async (key: string) =>
      (await fetcher(`${ORIGIN}/ai/planted`, { headers: { 'x-api-key': key } })).text();
    expect(await read(TEST_KEYS.human)).toContain(AWS_KEY);
    expect(await read(TEST_KEYS.gpt)).not.toContain(AWS_KEY);

    const { tokens } = await connect({ role: 'gpt', env: s.env });
    const connection = await oauthMcpClient(tokens.access_token, s.env, app);
    const result = structured(await connection.callTool({ name: 'readPlantedNote', arguments: {} }));
    expect(result.note).toBe('deploy key [REDACTED:aws_access_key]');
    await connection.close();
    const queries = await call('GET', '/ai/queries', { as: 'human', env: s.env });
    expect(queries.body.queries.map((q: { route: string }) => q.route)).toContain('/ai/planted');
  });

  it('with read scope only, a change is refused (forbidden) while reads work', async () => {
    const s = scenario();
    const { tokens } = await connect({ role: 'cursor', scopes: ['hezlep:read'], env: s.env });
    const connection = await oauthMcpClient(tokens.access_token, s.env);
    structured(await connection.callTool({ name: 'getContext', arguments: {} }));
    expect(
      toolError(await connection.callTool({ name: 'updateContext', arguments: { currentTask: 'write' } })),
    ).toMatchObject({ code: 'forbidden', requiredScope: 'hezlep:write' });
    await connection.close();
  });
});

describe('four eyes across identities', () => {
  it('alice cannot approve through her human key what she proposed through a cursor-role connection', async () => {
    const s = scenario();
    await s.createBranch('staging');
    const { tokens } = await connect({ role: 'cursor', env: s.env });
    const connection = await oauthMcpClient(tokens.access_token, s.env);
    const proposed = structured(
      await connection.callTool({ name: 'proposeIntent', arguments: { kind: 'deploy', target: 'staging' } }),
    );
    await connection.close();
    const refused = await s.call('POST', `/ai/intents/${proposed.intent.id}/approve`, 'human', {});
    expectProblem(refused, 403, 'policy_denied');
    expect(refused.body.rule).toMatch(/person/);
    // bob may.
    expectStatus(await s.call('POST', `/ai/intents/${proposed.intent.id}/approve`, 'humanBob', {}), 200);
  });

  it('a human-role connection approves as its person: alice cannot approve her own key proposal through it', async () => {
    const s = scenario();
    await s.createBranch('staging');
    const mine = await s.propose('cursor', { kind: 'deploy', target: 'staging' });
    const { tokens } = await connect({ role: 'human', env: s.env });
    const connection = await oauthMcpClient(tokens.access_token, s.env);
    expect(toolError(await connection.callTool({ name: 'approveIntent', arguments: { id: mine.id } }))).toMatchObject({
      code: 'policy_denied',
    });
    const bobs = await s.propose('cursorBob', { kind: 'deploy', target: 'staging' });
    const approved = structured(await connection.callTool({ name: 'approveIntent', arguments: { id: bobs.id } }));
    expect(approved.intent.state).toBe('approved');
    await connection.close();
  });
});
