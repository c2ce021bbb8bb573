import { ErrorCode, McpError, type Resource, type TextResourceContents } from '@modelcontextprotocol/sdk/types.js';
import type { AppCall, CallApp } from './app-call';

interface ResourceSource extends Resource {
  /** The API read behind the resource. */
  call: AppCall;
  /** Plain text taken from the JSON answer; the whole answer as JSON when absent. */
  text?: (json: unknown) => string;
}

/** What a model reads before acting, each one an API read made with the caller's key. */
const RESOURCES: readonly ResourceSource[] = [
  {
    uri: 'hezlep://context/prompt',
    name: 'prompt-digest',
    title: 'Project digest for a model',
    description:
      'A short plain-text digest of the live context, editor sessions, pending intents and recent events. Read it before each command.',
    mimeType: 'text/plain',
    call: { method: 'get', path: '/ai/context', query: new URLSearchParams({ view: 'prompt' }) },
    text: (json) => String((json as { text?: unknown }).text ?? ''),
  },
  {
    uri: 'hezlep://context',
    name: 'context',
    title: 'Shared working context',
    description:
      'The live shared context (branch, commit, active user, current task, notes) with author, expiry and version, or live:false.',
    mimeType: 'application/json',
    call: { method: 'get', path: '/ai/context' },
  },
  {
    uri: 'hezlep://review',
    name: 'review',
    title: 'Full project review',
    description:
      'The whole project within a fixed size: a summary line per section, then the health of every layer, context, audit and more.',
    mimeType: 'application/json',
    call: { method: 'get', path: '/ai/review' },
  },
  {
    uri: 'hezlep://cursor/sessions',
    name: 'cursor-sessions',
    title: 'Live Cursor sessions',
    description: 'What each Cursor session is doing now: branch, head, file, selection and diff stats, newest first.',
    mimeType: 'application/json',
    call: { method: 'get', path: '/ai/cursor/session' },
  },
];

export function listResources(): Resource[] {
  return RESOURCES.map(({ call: _call, text: _text, ...resource }) => resource);
}

/** Read one resource through the API; a refusal becomes a JSON-RPC error carrying the problem. */
export async function readResource(uri: string, callApp: CallApp): Promise<TextResourceContents> {
  const source = RESOURCES.find((resource) => resource.uri === uri);
  if (!source) throw new McpError(-32002, `Resource not found: ${uri.slice(0, 200)}`, { uri: uri.slice(0, 200) });
  const answer = await callApp(source.call);
  if (!answer.ok) {
    const problem = answer.problem;
    const code = answer.status >= 500 ? ErrorCode.InternalError : ErrorCode.InvalidRequest;
    throw new McpError(
      code,
      problem ? `${problem.title} (${problem.code}): ${problem.detail}` : `The service answered ${answer.status}.`,
      problem,
    );
  }
  const text = source.text ? source.text(answer.json) : answer.text;
  return { uri: source.uri, mimeType: source.mimeType, text };
}
