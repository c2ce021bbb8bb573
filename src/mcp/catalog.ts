import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { AppEnv } from '../app-env';
import { allowedClientsOf } from '../auth/guard';
import type { Client } from '../auth/keys';
import { GPT_OPERATIONS } from '../routes/gpt-profile';
import { METHODS, buildOpenApiDocument, isConsequential } from '../routes/openapi';
import { annotationsOf, confirmationOf, type AnnotatedOperation } from './annotations';
import { toolInput, type JsonSchema, type OperationInput, type ToolInput } from './input-schema';

/** Clients show a long tool list poorly and models choose worse from it: each client gets at most this many. */
export const MAX_TOOLS_PER_CLIENT = 40;

/** Operations with an API-key guard that still make no sense as a tool, and why. */
const NOT_TOOLS: Record<string, string> = {
  createEventTicket: 'the ticket only opens the browser event stream, and the event stream is not a tool',
};

/** One API operation offered as an MCP tool. */
export interface ToolOperation {
  tool: Tool;
  method: string;
  /** The OpenAPI path template, e.g. `/ai/intents/{id}/approve`. */
  path: string;
  input: ToolInput;
  /** The clients the route's guard admits. */
  clients: readonly Client[];
}

export interface ToolCatalog {
  /** Any operation by tool name, listed for the caller or not: the route's own guard and policy decide. */
  operation(name: string): ToolOperation | undefined;
  /** The tools a client is offered: the GPT profile for gpt, every operation it may call for the others. */
  toolsFor(client: Client): Tool[];
}

type Operation = OperationInput & { summary?: string; description?: string; responses?: Record<string, unknown> };

const catalogs = new WeakMap<object, ToolCatalog>();

/**
 * The tool catalog of an app, built once from its OpenAPI route registry and its route table:
 * every operation behind an API-key guard is a tool, so a new route needs no MCP code to appear.
 */
export function toolCatalog(app: OpenAPIHono<AppEnv>): ToolCatalog {
  let catalog = catalogs.get(app);
  if (!catalog) {
    catalog = buildCatalog(app);
    catalogs.set(app, catalog);
  }
  return catalog;
}

function buildCatalog(app: OpenAPIHono<AppEnv>): ToolCatalog {
  const guarded = guardedRoutes(app);
  // The origin only fills `servers`, which tools do not use.
  const document = buildOpenApiDocument(app, 'http://mcp.invalid');
  const components = (document.components?.schemas ?? {}) as Record<string, JsonSchema>;
  const byName = new Map<string, ToolOperation>();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = (item as Record<string, Operation | undefined>)[method];
      const clients = guarded.get(routeKey(method, path));
      if (!operation?.operationId || !clients || operation.operationId in NOT_TOOLS) continue;
      const input = toolInput(operation, components);
      byName.set(operation.operationId, { tool: toolOf(method, path, operation, input), method, path, input, clients });
    }
  }
  const gpt = new Set(GPT_OPERATIONS);
  const lists = new Map<Client, Tool[]>();
  const toolsFor = (client: Client): Tool[] => {
    let tools = lists.get(client);
    if (!tools) {
      const offered = [...byName.values()].filter(
        (op) => op.clients.includes(client) && (client !== 'gpt' || gpt.has(op.tool.name)),
      );
      if (offered.length > MAX_TOOLS_PER_CLIENT) {
        throw new Error(
          `The ${client} client would be offered ${offered.length} MCP tools; at most ${MAX_TOOLS_PER_CLIENT} are allowed.`,
        );
      }
      tools = offered.map((op) => op.tool);
      lists.set(client, tools);
    }
    return tools;
  };
  return { operation: (name) => byName.get(name), toolsFor };
}

/** `method path` of every route behind a guard, with the clients the guard admits. */
function guardedRoutes(app: OpenAPIHono<AppEnv>): Map<string, readonly Client[]> {
  const guarded = new Map<string, readonly Client[]>();
  for (const route of app.routes) {
    const clients = allowedClientsOf(route.handler);
    if (clients) guarded.set(routeKey(route.method, route.path), clients);
  }
  return guarded;
}

/** One spelling for a Hono path (`/:id`) and an OpenAPI path (`/{id}`), without a trailing slash. */
function routeKey(method: string, path: string): string {
  const template = path.replaceAll(/\{([^}]+)\}/g, ':$1').replace(/(.)\/$/, '$1');
  return `${method.toLowerCase()} ${template}`;
}

function toolOf(method: string, path: string, operation: Operation, input: ToolInput): Tool {
  const summary = operation.summary ?? operation.operationId;
  const annotated: AnnotatedOperation = {
    operationId: operation.operationId,
    method,
    path,
    summary,
    consequential: isConsequential(method),
    // A POST that answers 201 adds something; any other change may replace or remove what was there.
    creates: operation.responses !== undefined && '201' in operation.responses,
  };
  const description = operation.description ? `${summary}. ${operation.description}` : summary;
  const confirmation = confirmationOf(annotated);
  return {
    name: operation.operationId,
    title: summary,
    description: confirmation ? `${description} ${confirmation}` : description,
    inputSchema: input.schema,
    annotations: annotationsOf(annotated),
  };
}
