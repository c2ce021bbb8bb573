import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';

/** Paths whose operations call GitHub or the hosting (WordPress, Cloudways) on each call: an open world. */
const OPEN_WORLD_PATHS = ['/ai/github/', '/ai/wordpress/', '/ai/cloudways/', '/ai/status', '/ai/review', '/ai/digest'];
/** Intent operations that read GitHub (the branch head, the changes) or dispatch its workflow. */
const OPEN_WORLD_OPERATIONS = new Set(['proposeIntent', 'approveIntent', 'executeIntent', 'getIntentChanges']);

/**
 * How each kind of change reaches a human's confirmation, said in the tool's description: ChatGPT apps expect
 * a person to confirm writes, and here that confirmation is the intents flow, not a dialog in the client.
 */
const CONFIRMATION: Record<string, string> = {
  proposeIntent:
    'Confirmation: this only records a proposal; nothing runs until a different person approves it (dashboard or approveIntent).',
  approveIntent:
    'Confirmation: this is the human confirmation step; nobody can approve their own proposal, and the gpt role never can.',
  executeIntent:
    'Confirmation: runs only an intent a different person already approved; that approval was the human confirmation.',
  rejectIntent: 'Confirmation: stops a proposal; nothing runs.',
  cancelIntent: 'Confirmation: stops a proposal or approval before it runs; nothing runs.',
};
const RECORD_ONLY =
  "Confirmation: changes only Hezlep's own audited records; anything that deploys or changes code or hosting goes through proposeIntent and a person's approval.";

export interface AnnotatedOperation {
  operationId: string;
  method: string;
  /** The OpenAPI path template. */
  path: string;
  summary: string;
  /** A change (not a GET). */
  consequential: boolean;
  /** The operation answers 201: it adds something rather than replacing or removing. */
  creates: boolean;
}

/** Every hint set, for every tool: clients treat a missing hint as its most cautious default. */
export function annotationsOf(op: AnnotatedOperation): ToolAnnotations {
  return {
    title: op.summary,
    readOnlyHint: !op.consequential,
    destructiveHint: op.consequential && !op.creates,
    idempotentHint: !op.consequential || op.method === 'put' || op.method === 'delete',
    openWorldHint:
      OPEN_WORLD_OPERATIONS.has(op.operationId) ||
      OPEN_WORLD_PATHS.some((prefix) => op.path === prefix.replace(/\/$/, '') || op.path.startsWith(prefix)),
  };
}

/** The sentence a write tool's description ends with: how a person confirms it. None for reads. */
export function confirmationOf(op: AnnotatedOperation): string | undefined {
  if (!op.consequential) return undefined;
  return CONFIRMATION[op.operationId] ?? RECORD_ONLY;
}
