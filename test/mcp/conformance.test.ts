import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { mcpClient, postMcp } from '../support/mcp';

const rpc = (method: string, params?: unknown, id: number | string = 1) =>
  JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });

describe('MCP conformance', () => {
  it('lists resource templates and reads through one', async () => {
    const listed = await postMcp(rpc('resources/templates/list'), 'cursor');
    expect(listed.status, listed.text).toBe(200);
    expect(listed.json.result.resourceTemplates.map((t: { uriTemplate: string }) => t.uriTemplate)).toEqual([
      'hezlep://intents/{id}',
      'hezlep://intents/{id}/changes',
    ]);
    const missing = await postMcp(
      rpc('resources/read', { uri: 'hezlep://intents/00000000-0000-4000-8000-000000000000' }),
      'cursor',
    );
    // The template resolves to GET /ai/intents/{id}: an unknown id is the API's not_found, as a JSON-RPC error.
    expect(missing.json.error).toMatchObject({ code: -32600, data: { code: 'not_found' } });
  });

  it('malformed tools/call params are -32602 with a clean message, whatever the arguments are', async () => {
    for (const [args, kind] of [
      ['{"x":1}', 'a string'],
      [null, 'null'],
      [[1, 2], 'an array'],
      [7, 'a number'],
    ] as const) {
      const answer = await postMcp(rpc('tools/call', { name: 'getContext', arguments: args }), 'cursor');
      expect(answer.status).toBe(200);
      expect(answer.json.error, answer.text).toEqual({
        code: -32602,
        message: `tools/call: "arguments" must be an object of the tool's named arguments (see its inputSchema), not ${kind}.`,
      });
    }
    const noName = await postMcp(rpc('tools/call', { arguments: {} }), 'cursor');
    expect(noName.json.error.code).toBe(-32602);
    expect(noName.json.error.message).toMatch(/^tools\/call: invalid params: "name"/);
    expect(noName.text).not.toMatch(/MCP error|ZodError|"expected"/);
    const badUri = await postMcp(rpc('resources/read', { uri: 42 }), 'cursor');
    expect(badUri.json.error).toMatchObject({ code: -32602, message: expect.stringMatching(/^resources\/read: /) });
  });

  it('no error carries a doubled "MCP error" prefix, on the wire or through the SDK client', async () => {
    for (const body of [
      rpc('tools/call', { name: 'noSuchTool', arguments: {} }),
      rpc('prompts/get', { name: 'noSuchPrompt' }),
      rpc('resources/read', { uri: 'hezlep://nothing' }),
    ]) {
      const answer = await postMcp(body, 'cursor');
      expect(answer.json.error.message, answer.text).not.toMatch(/MCP error/);
    }
    const client = await mcpClient('cursor');
    const failure = await client.callTool({ name: 'noSuchTool', arguments: {} }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(McpError);
    expect((failure as McpError).message).toBe('MCP error -32602: Unknown tool: noSuchTool');
    await client.close();
  });

  it('negotiates the protocol version: a supported one is echoed, an unknown one gets the latest', async () => {
    const init = (protocolVersion: string) =>
      rpc('initialize', { protocolVersion, capabilities: {}, clientInfo: { name: 't', version: '1' } });
    for (const version of ['2025-11-25', '2025-06-18', '2025-03-26']) {
      const answer = await postMcp(init(version), 'cursor');
      expect(answer.json.result.protocolVersion, answer.text).toBe(version);
    }
    const unknown = await postMcp(init('1999-01-01'), 'cursor');
    expect(unknown.json.result.protocolVersion).toBe('2025-11-25');
    const wrongHeader = await postMcp(rpc('tools/list'), 'cursor', {
      headers: { 'mcp-protocol-version': '1999-01-01' },
    });
    expect(wrongHeader.status).toBe(400);
    expect(wrongHeader.text).toMatch(/Unsupported protocol version/);
  });

  it('every tool has every annotation; tools that reach GitHub or hosting are open-world; writes say how a person confirms', async () => {
    const client = await mcpClient('human');
    const { tools } = await client.listTools();
    for (const tool of tools) {
      for (const hint of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const)
        expect(typeof tool.annotations?.[hint], `${tool.name}.${hint}`).toBe('boolean');
      if (!tool.annotations?.readOnlyHint) expect(tool.description, tool.name).toMatch(/Confirmation: /);
    }
    const hint = (name: string) => tools.find((t) => t.name === name)?.annotations?.openWorldHint;
    for (const name of [
      'listGitHubCommits',
      'getWordPressHealth',
      'getCloudwaysHealth',
      'executeIntent',
      'proposeIntent',
    ])
      expect(hint(name), name).toBe(true);
    for (const name of ['getContext', 'listAudit', 'searchCode', 'updateContext', 'listIntents'])
      expect(hint(name), name).toBe(false);
    const proposal = tools.find((t) => t.name === 'proposeIntent')!;
    expect(proposal.description).toMatch(/nothing runs until a different person approves it/);
    await client.close();
  });
});
