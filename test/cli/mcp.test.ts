import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startWorkerService, type WorkerService } from '../../src/local/worker-service';
import { TEST_KEYS, TEST_KEY_TABLE } from '../support/keys';
import { runCli } from './support';

let service: WorkerService;
let home: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'hezlep-mcp-home-'));
  service = await startWorkerService({
    vars: { HEZLEP_API_KEYS: JSON.stringify(TEST_KEY_TABLE), LOG_LEVEL: 'warn', PROJECT_ID: 'cli-mcp-test' },
  });
});

afterAll(async () => {
  await service?.stop();
});

function cliEnv(identity: keyof typeof TEST_KEYS): NodeJS.ProcessEnv {
  const { HEZLEP_URL: _u, HEZLEP_API_KEY: _k, ...rest } = process.env;
  return {
    ...rest,
    HEZLEP_CONFIG: join(home, 'none.json'),
    HEZLEP_URL: service.url,
    HEZLEP_API_KEY: TEST_KEYS[identity],
  };
}

interface ServerEntry {
  type?: string;
  url: string;
  headers: Record<string, string>;
}

/** `hezlep mcp config …` as a user runs it, parsed. */
async function printedConfig(identity: keyof typeof TEST_KEYS, ...args: string[]): Promise<ServerEntry> {
  const result = runCli(['mcp', 'config', ...args], { env: cliEnv(identity), cwd: home });
  expect(await result.code, result.err.join('\n')).toBe(0);
  return JSON.parse(result.out.join('\n')).mcpServers.hezlep as ServerEntry;
}

/** The official SDK client, connected with exactly what the printed config says. */
async function connect(entry: ServerEntry): Promise<Client> {
  const client = new Client({ name: 'hezlep-cli-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(entry.url), { requestInit: { headers: entry.headers } }),
  );
  return client;
}

describe('hezlep mcp config, used by the official MCP client against the running service', () => {
  it('Cursor: lists annotated tools, reads the context and the review, and proposes an intent that is audited', async () => {
    const entry = await printedConfig('cursor', '--cursor');
    expect(entry).toEqual({ url: `${service.url}/mcp`, headers: { 'x-api-key': TEST_KEYS.cursor } });
    const client = await connect(entry);

    const { tools } = await client.listTools();
    expect(tools.length).toBeGreaterThanOrEqual(15);
    for (const tool of tools) expect(typeof tool.annotations?.readOnlyHint, tool.name).toBe('boolean');

    const context = (await client.readResource({ uri: 'hezlep://context' })).contents[0] as { text: string };
    expect(JSON.parse(context.text)).toHaveProperty('live');
    const review = (await client.readResource({ uri: 'hezlep://review' })).contents[0] as { text: string };
    expect(JSON.parse(review.text).project).toBe('cli-mcp-test');

    const reason = `from MCP ${crypto.randomUUID()}`;
    const proposed = (await client.callTool({
      name: 'proposeIntent',
      arguments: { kind: 'purge-cache', target: 'production', reason },
    })) as CallToolResult;
    expect(proposed.isError, JSON.stringify(proposed.content)).toBeFalsy();
    const id = (proposed.structuredContent as { intent: { id: string } }).intent.id;
    await client.close();

    const audit = await fetch(`${service.url}/ai/audit?target=${encodeURIComponent(`intent:${id}`)}`, {
      headers: { 'x-api-key': TEST_KEYS.human },
    });
    const body = (await audit.json()) as { entries: { action: string; actor: { client: string } }[] };
    expect(body.entries).toEqual([
      expect.objectContaining({ action: 'intent.propose', actor: expect.objectContaining({ client: 'cursor' }) }),
    ]);

    // Claude's config carries the gpt key as a Bearer header; the policy still refuses the GPT an approval.
    const gptEntry = await printedConfig('gpt', '--claude');
    expect(gptEntry).toEqual({
      type: 'http',
      url: `${service.url}/mcp`,
      headers: { Authorization: `Bearer ${TEST_KEYS.gpt}` },
    });
    const gpt = await connect(gptEntry);
    const refused = (await gpt.callTool({ name: 'approveIntent', arguments: { id } })) as CallToolResult;
    expect(refused.isError).toBe(true);
    expect(refused.structuredContent).toMatchObject({ code: 'policy_denied' });
    await gpt.close();
  });

  it('--key-env names a variable instead of printing the key; a wrong key is refused with 401', async () => {
    expect(await printedConfig('cursor', '--key-env', 'HEZLEP_API_KEY')).toEqual({
      url: `${service.url}/mcp`,
      headers: { 'x-api-key': '${env:HEZLEP_API_KEY}' },
    });
    expect((await printedConfig('cursor', '--claude', '--key-env', 'HEZLEP_API_KEY')).headers).toEqual({
      Authorization: 'Bearer ${HEZLEP_API_KEY}',
    });
    const both = runCli(['mcp', 'config', '--cursor', '--claude'], { env: cliEnv('cursor'), cwd: home });
    expect(await both.code).toBe(2);

    await expect(
      connect({ url: `${service.url}/mcp`, headers: { 'x-api-key': 'wrong-key-00000000000000' } }),
    ).rejects.toThrow();
    const raw = await fetch(`${service.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(raw.status).toBe(401);
  });
});
