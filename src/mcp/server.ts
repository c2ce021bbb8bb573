import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { Protocol } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListResourcesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import type { Caller } from '../auth/keys';
import { describeError, type Logger } from '../lib/log';
import type { CallApp } from './app-call';
import type { ToolCatalog } from './catalog';
import { getPrompt, listPrompts } from './prompts';
import { RpcError, anyParams, invalidParams, paramsOf } from './errors';
import { listResourceTemplates, listResources, readResource } from './resources';
import { callTool } from './tool-call';

export const SERVER_INFO = { name: 'hezlep', title: 'Hezlep Ops Orchestrator', version: '0.1.0' } as const;

const INSTRUCTIONS =
  'One shared view of a software project: context, GitHub, code search, intents that need human approval, hosting health and an audit log. ' +
  'Before each command read the resource hezlep://context/prompt (or call getContext with view=prompt). ' +
  'For "review the project" use the review-project prompt or call getReview. ' +
  'Changes go through intents: propose with proposeIntent; a human approves.';

/**
 * The SDK validates only what a client answers to elicitation, which this server never asks for; its default
 * validator (Ajv) costs about 2 ms to build on every request, so a server that asks nothing gets one that refuses.
 */
const NO_ELICITATION: jsonSchemaValidator = {
  getValidator: () => {
    throw new Error('This server asks clients for no input, so it validates none.');
  },
};

export interface McpRequestScope {
  catalog: ToolCatalog;
  caller: Caller;
  callApp: CallApp;
  requestId: string;
  log: Logger;
}

/** An MCP server for one HTTP request (stateless): its tools, resources and prompts all call the API as the caller. */
export function mcpServer(scope: McpRequestScope): Server {
  const server = new Server(SERVER_INFO, {
    capabilities: { tools: {}, resources: {}, prompts: {} },
    instructions: INSTRUCTIONS,
    jsonSchemaValidator: NO_ELICITATION,
  });
  // The SDK would send an unexpected error's message to the client: it goes to the log instead.
  const sealed =
    <A, R>(handle: (request: A) => R | Promise<R>) =>
    async (request: A): Promise<R> => {
      try {
        return await handle(request);
      } catch (error) {
        if (error instanceof RpcError) throw error;
        // The SDK's own errors carry "MCP error <code>: " in their message; the client would add it again.
        if (error instanceof McpError)
          throw new RpcError(error.code, error.message.replace(/^MCP error -?\d+: /, ''), error.data);
        scope.log.error('mcp request failed', describeError(error));
        throw new RpcError(
          ErrorCode.InternalError,
          `An unexpected error occurred; request id ${scope.requestId} identifies it in the service log.`,
        );
      }
    };
  server.onerror = (error) => scope.log.info('mcp message refused', { error: error.message.slice(0, 200) });
  server.setRequestHandler(
    ListToolsRequestSchema,
    sealed(() => ({ tools: scope.catalog.toolsFor(scope.caller.client) })),
  );
  // Params are checked here, not by the SDK (whose check answers -32603 with its validator's dump), and the
  // Server's tools/call wrapper is passed by: it re-checks the request with the same dump and the doubled prefix.
  Protocol.prototype.setRequestHandler.call(
    server,
    anyParams('tools/call'),
    sealed((request: unknown) => {
      const { params } = paramsOf('tools/call', CallToolRequestSchema, request);
      const operation = scope.catalog.operation(params.name);
      if (!operation) throw invalidParams(`Unknown tool: ${params.name.slice(0, 100)}`);
      return callTool(operation, params.arguments ?? {}, scope.callApp, scope.requestId);
    }),
  );
  server.setRequestHandler(
    ListResourcesRequestSchema,
    sealed(() => ({ resources: listResources() })),
  );
  server.setRequestHandler(
    ListResourceTemplatesRequestSchema,
    sealed(() => ({ resourceTemplates: listResourceTemplates() })),
  );
  server.setRequestHandler(
    anyParams('resources/read'),
    sealed(async (request) => {
      const { params } = paramsOf('resources/read', ReadResourceRequestSchema, request);
      return { contents: [await readResource(params.uri, scope.callApp)] };
    }),
  );
  server.setRequestHandler(
    ListPromptsRequestSchema,
    sealed(() => ({ prompts: listPrompts() })),
  );
  server.setRequestHandler(
    anyParams('prompts/get'),
    sealed((request) => getPrompt(paramsOf('prompts/get', GetPromptRequestSchema, request).params.name, scope.callApp)),
  );
  return server;
}
