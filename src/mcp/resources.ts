import {
  ErrorCode,
  type Resource,
  type ResourceTemplate,
  type TextResourceContents,
} from '@modelcontextprotocol/sdk/types.js';
import { RpcError } from './errors';
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

/** Resources with a parameter in their URI: one intent, its changes. */
const TEMPLATES: readonly (ResourceTemplate & { pattern: RegExp; call: (id: string) => AppCall })[] = [
  {
    uriTemplate: 'hezlep://intents/{id}',
    name: 'intent',
    title: 'One intent',
    description: 'An intent (proposed change) with its state, proposer, approval, execution and decisions.',
    mimeType: 'application/json',
    pattern: /^hezlep:\/\/intents\/([0-9a-f-]{36})$/,
    call: (id) => ({ method: 'get', path: `/ai/intents/${id}` }),
  },
  {
    uriTemplate: 'hezlep://intents/{id}/changes',
    name: 'intent-changes',
    title: 'What an intent would change',
    description: 'The commits and files between what runs now and what the intent would deploy.',
    mimeType: 'application/json',
    pattern: /^hezlep:\/\/intents\/([0-9a-f-]{36})\/changes$/,
    call: (id) => ({ method: 'get', path: `/ai/intents/${id}/changes` }),
  },
];

export function listResourceTemplates(): ResourceTemplate[] {
  return TEMPLATES.map(({ pattern: _pattern, call: _call, ...template }) => template);
}

function fromTemplate(uri: string): { call: AppCall; mimeType?: string; text?: undefined } | undefined {
  for (const template of TEMPLATES) {
    const id = template.pattern.exec(uri)?.[1];
    if (id) return { call: template.call(id), mimeType: template.mimeType };
  }
  return undefined;
}

export function listResources(): Resource[] {
  return RESOURCES.map(({ call: _call, text: _text, ...resource }) => resource);
}

/** Read one resource through the API; a refusal becomes a JSON-RPC error carrying the problem. */
export async function readResource(uri: string, callApp: CallApp): Promise<TextResourceContents> {
  const source = RESOURCES.find((resource) => resource.uri === uri);
  const template = source ? undefined : fromTemplate(uri);
  if (!source && !template)
    throw new RpcError(-32002, `Resource not found: ${uri.slice(0, 200)}`, { uri: uri.slice(0, 200) });
  const read = (source ?? template)!;
  const answer = await callApp(read.call);
  if (!answer.ok) {
    const problem = answer.problem;
    const code = answer.status >= 500 ? ErrorCode.InternalError : ErrorCode.InvalidRequest;
    throw new RpcError(
      code,
      problem ? `${problem.title} (${problem.code}): ${problem.detail}` : `The service answered ${answer.status}.`,
      problem,
    );
  }
  const text = read.text ? read.text(answer.json) : answer.text;
  return { uri, mimeType: read.mimeType, text };
}
