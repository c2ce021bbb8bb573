import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startLocalService } from '../../local/service';
import { keyFor } from '../../local/dev-keys';
import { freePort } from '../../../test/support/ports';
import { printTable, runLoad, type LoadResult } from './load';

const ROUNDS = 100;
const WARM_UP = 10;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function p90(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length * 0.9)]!;
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/**
 * A read tool call through POST /mcp against the same REST read, on the local service:
 * one call at a time, interleaved so both see the same machine, then each under load.
 * The MCP call is the raw JSON-RPC POST a connected client sends, and the official SDK client's callTool.
 */
export async function run(): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), 'hezlep-bench-'));
  chmodSync(stateDir, 0o755); // Postgres runs as its own user when we are root and must reach its data dir
  const rows: LoadResult[] = [];
  try {
    const service = await startLocalService({ port: await freePort(), stateDir, vars: { LOG_LEVEL: 'warn' } });
    try {
      const key = keyFor(service.keys, 'cursor');
      const headers = { 'x-api-key': key, 'content-type': 'application/json' };
      const mcpHeaders = {
        ...headers,
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2025-06-18',
      };
      await fetch(`${service.url}/ai/context`, {
        method: 'PUT',
        headers,
        body: JSON.stringify({ branch: 'feature/bench', currentTask: 'bench MCP' }),
      });
      const client = new Client({ name: 'hezlep-bench', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${service.url}/mcp`), {
          requestInit: { headers: { 'x-api-key': key } },
        }),
      );

      const cases: { tool: string; rest: string; args: Record<string, unknown> }[] = [
        { tool: 'getContext', rest: '/ai/context', args: {} },
        { tool: 'listAudit', rest: '/ai/audit?limit=20', args: { limit: 20 } },
      ];
      console.log(
        `One call at a time, ${ROUNDS} interleaved rounds after ${WARM_UP} warm-up rounds (median / p90 ms):`,
      );
      console.log('| read | REST | MCP (JSON-RPC POST) | MCP (SDK client) | MCP POST / REST |');
      console.log('|---|---:|---:|---:|---:|');
      for (const { tool, rest, args } of cases) {
        const body = JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: tool, arguments: args },
        });
        const restCall = async () => {
          const response = await fetch(`${service.url}${rest}`, { headers });
          if (response.status !== 200)
            throw new Error(`${rest} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
          await response.text();
        };
        const mcpCall = async () => {
          const response = await fetch(`${service.url}/mcp`, { method: 'POST', headers: mcpHeaders, body });
          const answer = (await response.json()) as { result?: { isError?: boolean } };
          if (response.status !== 200 || !answer.result || answer.result.isError)
            throw new Error(`${tool} via MCP: ${JSON.stringify(answer).slice(0, 200)}`);
        };
        const sdkCall = async () => {
          const result = await client.callTool({ name: tool, arguments: args });
          if (result.isError)
            throw new Error(`${tool} via the SDK client: ${JSON.stringify(result.content).slice(0, 200)}`);
        };
        for (let i = 0; i < WARM_UP; i++) {
          await restCall();
          await mcpCall();
          await sdkCall();
        }
        const times = { rest: [] as number[], mcp: [] as number[], sdk: [] as number[] };
        for (let i = 0; i < ROUNDS; i++) {
          times.rest.push(await timed(restCall));
          times.mcp.push(await timed(mcpCall));
          times.sdk.push(await timed(sdkCall));
        }
        const cell = (values: number[]) => `${median(values).toFixed(1)} / ${p90(values).toFixed(1)}`;
        const ratio = median(times.mcp) / median(times.rest);
        console.log(
          `| ${tool} (${rest}) | ${cell(times.rest)} | ${cell(times.mcp)} | ${cell(times.sdk)} | ${ratio.toFixed(2)}× |`,
        );
        rows.push(await runLoad({ name: `REST GET ${rest}`, url: `${service.url}${rest}`, headers }));
        rows.push(
          await runLoad({
            name: `MCP tools/call ${tool}`,
            url: `${service.url}/mcp`,
            method: 'POST',
            headers: mcpHeaders,
            body,
          }),
        );
      }
      await client.close();
    } finally {
      await service.stop();
    }
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
  printTable('The same reads under load (8 connections, 5 s each, wrangler dev on loopback)', rows);
}
