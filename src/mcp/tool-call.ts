import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ApiError, problemBody, type Problem } from '../errors';
import type { AppAnswer, AppCall, CallApp } from './app-call';
import type { ToolOperation } from './catalog';
import { ANSWER_BUDGET_CHARS } from '../lib/budget';

/** Run one tool: its arguments become the operation's HTTP request, its answer the tool result. */
export async function callTool(
  operation: ToolOperation,
  args: Record<string, unknown>,
  callApp: CallApp,
  requestId: string,
): Promise<CallToolResult> {
  const call = requestFor(operation, args);
  if (call instanceof ApiError) return problemResult(problemBody(call, requestId));
  return toolResult(await callApp(call));
}

/** Spread the flat arguments over path, query and body as the operation's input says. */
export function requestFor(operation: ToolOperation, args: Record<string, unknown>): AppCall | ApiError {
  const { input } = operation;
  const known = new Set([...input.path, ...input.query, ...(input.body ?? [])]);
  const unknown = Object.keys(args).filter((name) => !known.has(name));
  if (unknown.length && !input.bodyOpen) {
    return new ApiError(
      'validation_failed',
      `Unknown argument(s) ${unknown.join(', ')} for ${operation.tool.name}; see its inputSchema.`,
      {
        extra: { issues: unknown.map((name) => ({ path: name, message: 'not an argument of this tool' })) },
      },
    );
  }

  let path = operation.path;
  for (const name of input.path) {
    const value = args[name];
    if (value === undefined || value === null || value === '') {
      return new ApiError('validation_failed', `Missing argument ${name}.`, {
        extra: { issues: [{ path: name, message: 'required' }] },
      });
    }
    path = path.replace(`{${name}}`, encodeURIComponent(typeof value === 'string' ? value : JSON.stringify(value)));
  }

  const query = new URLSearchParams();
  for (const name of input.query) {
    const value = args[name];
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value])
      query.append(name, typeof item === 'string' ? item : JSON.stringify(item));
  }

  let body: unknown;
  if (input.body?.length === 1 && input.body[0] === 'body' && !input.bodyOpen) body = args.body;
  else if (input.body)
    body = Object.fromEntries(
      Object.entries(args).filter(([name]) => input.body!.includes(name) || unknown.includes(name)),
    );
  return { method: operation.method, path, ...(query.size ? { query } : {}), ...(body !== undefined ? { body } : {}) };
}

/** The API's answer as a tool result: JSON as text and (when small) as structuredContent; a problem as isError. */
export function toolResult(answer: AppAnswer): CallToolResult {
  if (answer.problem) return problemResult(answer.problem);
  if (!answer.ok) {
    return {
      isError: true,
      content: [{ type: 'text', text: `The service answered ${answer.status}: ${answer.text.slice(0, 500)}` }],
    };
  }
  if (answer.json !== undefined) {
    // Sent twice the answer would pass the budget a model's client takes: the text alone then carries it.
    const small = answer.text.length * 2 < ANSWER_BUDGET_CHARS * 0.9;
    const structured = small && answer.json !== null && typeof answer.json === 'object' && !Array.isArray(answer.json);
    return {
      content: [{ type: 'text', text: answer.text }],
      ...(structured ? { structuredContent: answer.json as Record<string, unknown> } : {}),
    };
  }
  return { content: [{ type: 'text', text: answer.text }] };
}

function problemResult(problem: Problem): CallToolResult {
  return {
    isError: true,
    content: [
      { type: 'text', text: `${problem.title} (${problem.code}): ${problem.detail}\n${JSON.stringify(problem)}` },
    ],
    structuredContent: problem,
  };
}
