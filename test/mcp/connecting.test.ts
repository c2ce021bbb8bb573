import { describe, expect, it } from 'vitest';
import { call, expectStatus } from '../support/http';
import { mcpClient, postMcp } from '../support/mcp';

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
