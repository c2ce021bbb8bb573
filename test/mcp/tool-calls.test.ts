import { describe, expect, it } from 'vitest';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { call, expectStatus } from '../support/http';
import { expectToolError, mcpClient, structured } from '../support/mcp';
import { freshProject as project } from '../support/project';
import { scenario } from '../intents/helpers';

/** A fresh project per test, so context, audit and the query log start empty. */
const freshProject = () => project('mcp');

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
