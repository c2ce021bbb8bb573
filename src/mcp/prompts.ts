import type { GetPromptResult, Prompt, PromptMessage } from '@modelcontextprotocol/sdk/types.js';
import type { CallApp } from './app-call';
import { invalidParams } from './errors';
import { readResource } from './resources';

interface PromptSource extends Prompt {
  /** What the model is asked to do. */
  instruction: string;
  /** The resources read and attached, in order. */
  resources: readonly string[];
}

/** The commands a user gives the assistant (the same ones the GPT instructions name), each with what it must read. */
const PROMPTS: readonly PromptSource[] = [
  {
    name: 'review-project',
    title: 'Review the project',
    description:
      'Review the full project: health of every layer, live context, recent audit, intents and index freshness, with what needs attention first.',
    instruction:
      'Review the full project from the attached review and digest. Start with what needs attention (layers down or degraded, ' +
      'failed runs, intents waiting for approval, a stale index), then summarise the rest in a few lines. Cite the section each point comes from.',
    resources: ['hezlep://review', 'hezlep://context/prompt'],
  },
  {
    name: 'sync-cursor-session',
    title: 'Sync with my Cursor session',
    description:
      'Catch up with what Cursor is doing: its branch, file and diff, the shared context and pending intents, and whether they disagree.',
    instruction:
      'Sync with my Cursor session. From the attached sessions, context and digest, say which branch and file Cursor is on and what the diff ' +
      'changes, whether the shared context (branch, current task) agrees with it, and what I should update or decide next.',
    resources: ['hezlep://cursor/sessions', 'hezlep://context', 'hezlep://context/prompt'],
  },
];

export function listPrompts(): Prompt[] {
  return PROMPTS.map(({ instruction: _instruction, resources: _resources, ...prompt }) => prompt);
}

/** The prompt's instruction followed by each resource it reads, embedded as read just now with the caller's key. */
export async function getPrompt(name: string, callApp: CallApp): Promise<GetPromptResult> {
  const source = PROMPTS.find((prompt) => prompt.name === name);
  if (!source)
    throw invalidParams(`Unknown prompt: ${name.slice(0, 100)}. Known: ${PROMPTS.map((p) => p.name).join(', ')}.`);
  const contents = await Promise.all(source.resources.map((uri) => readResource(uri, callApp)));
  const messages: PromptMessage[] = [
    { role: 'user', content: { type: 'text', text: source.instruction } },
    ...contents.map((resource): PromptMessage => ({ role: 'user', content: { type: 'resource', resource } })),
  ];
  return { description: source.description, messages };
}
