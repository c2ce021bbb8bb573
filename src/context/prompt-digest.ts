import { authorLabel, type StoredContext } from './snapshot';
import { describeSession, type StoredCursorSession } from '../cursor/session';
import type { PublishedEvent } from '../events/wire';
import { escapeInvisible } from '../lib/input';

/** The most characters a prompt digest may take, so a model can read it before every command. */
export const PROMPT_BUDGET_CHARS = 4_000;
const MAX_LINE_CHARS = 280;
const MARKER_RESERVE = 32;

/** A pending intent as the digest shows it. */
export interface PendingIntentLine {
  id: string;
  summary: string;
  proposedBy?: string;
  createdAt?: string;
}

/** What the intents engine provides so the digest can list pending intents (src/intents/review.ts). */
export interface PendingIntentsSource {
  listPending(limit: number): Promise<PendingIntentLine[]>;
}

export interface DigestInput {
  project: string;
  context: StoredContext | null;
  sessions: StoredCursorSession[];
  /** null when no intents engine is wired in, or it failed. */
  intents: PendingIntentLine[] | null;
  /** null when no event hub is bound, or it failed. */
  events: PublishedEvent[] | null;
  now: Date;
  budget?: number;
}

export interface PromptDigest {
  text: string;
  truncated: boolean;
  budgetChars: number;
}

interface Section {
  title: string;
  lines: string[];
  /** Share of the budget this section may use before later ones (unused share carries forward). */
  share: number;
}

/** A compact plain-text digest of the project's live state, never longer than the budget. */
export function buildPromptDigest(input: DigestInput): PromptDigest {
  const budget = input.budget ?? PROMPT_BUDGET_CHARS;
  const { now } = input;
  const header = `Project ${input.project}, state at ${now.toISOString()}\n`;
  const sections: Section[] = [
    { title: 'Shared context', lines: contextLines(input.context, now), share: 0.35 },
    {
      title: `Live cursor sessions (${input.sessions.length})`,
      lines: input.sessions.length
        ? input.sessions.map((s) => `- ${describeSession(s)}, ${ago(s.receivedAt, now)}`)
        : ['- none'],
      share: 0.25,
    },
    {
      title: input.intents ? `Pending intents (${input.intents.length})` : 'Pending intents',
      lines: input.intents
        ? input.intents.length
          ? input.intents.map(
              (i) =>
                `- ${i.id}: ${i.summary}${i.proposedBy ? ` (by ${i.proposedBy}${i.createdAt ? `, ${ago(i.createdAt, now)}` : ''})` : ''}`,
            )
          : ['- none']
        : ['- unavailable (no intents engine answered)'],
      share: 0.15,
    },
    {
      title: 'Recent events',
      lines: input.events
        ? input.events.length
          ? input.events
              .slice()
              .reverse()
              .map((e) => `- #${e.seq} ${ago(e.at, now)} ${e.actor?.label ?? 'service'}: ${e.summary}`)
          : ['- none']
        : ['- unavailable (no event hub)'],
      share: 0.25,
    },
  ];

  let text = header;
  let truncated = false;
  let carry = budget - header.length - sections.reduce((sum, section) => sum + Math.floor(budget * section.share), 0);
  for (const section of sections) {
    const allowance = Math.floor(budget * section.share) + carry;
    let used = `## ${section.title}\n`.length;
    const kept: string[] = [];
    for (let i = 0; i < section.lines.length; i++) {
      const line = `${clip(section.lines[i]!)}\n`;
      const isLast = i === section.lines.length - 1;
      // Keep room for the "… N more" marker unless this is the last line.
      if (used + line.length > allowance - (isLast ? 0 : MARKER_RESERVE)) {
        const marker = `- … ${section.lines.length - i} more not shown\n`;
        kept.push(marker);
        used += marker.length;
        truncated = true;
        break;
      }
      kept.push(line);
      used += line.length;
    }
    text += `## ${section.title}\n${kept.join('')}`;
    carry = Math.max(0, allowance - used);
  }
  if (text.length > budget) {
    text = text.slice(0, budget - 2) + '…\n';
    truncated = true;
  }
  return { text, truncated, budgetChars: budget };
}

function contextLines(context: StoredContext | null, now: Date): string[] {
  if (!context) return ['- none live (set one with `hezlep context set currentTask="…"`, or PUT /ai/context)'];
  const lines = [
    `- v${context.version} by ${authorLabel(context.updatedBy)}, ${ago(context.updatedAt, now)}, lapses ${ahead(context.expiresAt, now)}`,
  ];
  for (const [name, value] of Object.entries(context.fields)) {
    lines.push(`- ${name}: ${typeof value === 'string' ? value.replace(/\s+/g, ' ') : JSON.stringify(value)}`);
  }
  return lines;
}

/** One line of the digest: invisible and control characters made visible, then cut to the line budget. */
function clip(raw: string): string {
  const line = escapeInvisible(raw).replace(/[\n\t]+/g, ' ');
  return line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS - 1)}…` : line;
}

function ago(iso: string, now: Date): string {
  return `${span(now.getTime() - Date.parse(iso))} ago`;
}

function ahead(iso: string, now: Date): string {
  return `in ${span(Date.parse(iso) - now.getTime())}`;
}

function span(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.round(s / 60)}m`;
  if (s < 86_400) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}
