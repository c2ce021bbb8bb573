import { redactValue, type RedactionCounts } from './redact';

interface EntryText {
  action: string;
  target: string;
  summary: string;
  detail?: Record<string, unknown>;
}

/**
 * An audit entry as it may be kept: its action, target, summary and detail (file names, headers, payload
 * fields) pass the scanner as one document before the entry is hashed, so no secret enters the chain.
 * What was replaced is added to `detail.redactions` (counts per kind, never the values).
 */
export function redactAuditEntry<T extends EntryText>(input: T): T {
  const { action, target, summary, detail } = input;
  const { value, counts, total } = redactValue({ action, target, summary, detail });
  if (!total) return input;
  const previous = (detail?.redactions ?? {}) as RedactionCounts;
  const redactions: Record<string, number> = { ...previous };
  for (const [kind, count] of Object.entries(counts)) redactions[kind] = (redactions[kind] ?? 0) + (count ?? 0);
  return { ...input, ...value, detail: { ...(value.detail ?? {}), redactions } };
}
