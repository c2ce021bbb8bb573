import { z } from '@hono/zod-openapi';
import type { Author } from '../context/snapshot';
import { text } from '../lib/input';

export const SelectionSchema = z
  .object({
    startLine: z.number().int().min(1),
    endLine: z.number().int().min(1),
    text: text({ max: 2_000, multiline: true })
      .optional()
      .openapi({ description: 'The selected text, at most 2,000 characters.' }),
  })
  .strict()
  .openapi('CursorSelection');

export type Selection = z.infer<typeof SelectionSchema>;

/** A live editor session: one per user and workspace, replaced by each sync. */
export interface StoredCursorSession {
  user: string;
  workspace: string;
  branch: string;
  head?: string;
  file?: string;
  diff?: string;
  diffTruncated?: boolean;
  selection?: Selection;
  /** When the client says it took the snapshot. A late, older one never replaces a newer one. */
  clientTimestamp: string;
  /** When the service received it: the order writes are applied in. */
  receivedAt: string;
  expiresAt: string;
  updatedBy: Author;
  version: number;
}

export interface DiffStat {
  added: number;
  removed: number;
  bytes: number;
}

/** The store key of a session: user and workspace, each encoded so neither can forge the other. */
export function sessionKey(user: string, workspace: string): string {
  return `${encodeURIComponent(user)}@${encodeURIComponent(workspace)}`;
}

/** Lines added and removed in a unified diff (headers not counted). */
export function diffStat(diff: string | undefined): DiffStat {
  if (!diff) return { added: 0, removed: 0, bytes: 0 };
  let added = 0;
  let removed = 0;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++') || line.startsWith('---')) continue;
    if (line.startsWith('+')) added++;
    else if (line.startsWith('-')) removed++;
  }
  return { added, removed, bytes: new TextEncoder().encode(diff).length };
}

/** One line a human or a model can read: who, where, what. */
export function describeSession(session: StoredCursorSession): string {
  const stat = diffStat(session.diff);
  const where = session.file ? ` editing ${session.file}` : '';
  const change = stat.bytes
    ? ` (+${stat.added} -${stat.removed}${session.diffTruncated ? ', diff truncated' : ''})`
    : '';
  const lines = session.selection ? ` lines ${session.selection.startLine}-${session.selection.endLine}` : '';
  return `${session.user} in ${session.workspace} on ${session.branch}${where}${lines}${change}`;
}
