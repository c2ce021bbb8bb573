import { redactSecrets, type SecretKind } from './secrets';

/** How many secrets of each kind were replaced (never the values). */
export type RedactionCounts = Partial<Record<SecretKind, number>>;

/**
 * The redactions of one request, added up across every place that redacted something,
 * so the audit entry and the metrics can say how many of each kind were removed.
 */
export class RedactionTally {
  readonly counts: RedactionCounts = {};

  add(counts: RedactionCounts): void {
    for (const [kind, count] of Object.entries(counts) as [SecretKind, number][]) {
      this.counts[kind] = (this.counts[kind] ?? 0) + count;
    }
  }

  get total(): number {
    return Object.values(this.counts).reduce((sum, n) => sum + (n ?? 0), 0);
  }
}

export interface Redacted<T> {
  value: T;
  counts: RedactionCounts;
  total: number;
}

/** Quick pre-check: every detector needs one of these substrings, so most text skips the full scan. */
const MAYBE_SECRET =
  /-----BEGIN|AKIA|ASIA|ABIA|ACCA|gh[pousr]_|github_pat_|xox[abposr]-|[rs]k_(?:live|test)_|AIza|sk-|eyJ|:\/\/[^\s/@]+:[^\s/@]+@|secret|token|passw|pwd|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth|credential|signing/i;

/** Redact one string. */
export function redactText(text: string): Redacted<string> {
  if (!MAYBE_SECRET.test(text)) return { value: text, counts: {}, total: 0 };
  const { text: value, redactions } = redactSecrets(text);
  const counts: RedactionCounts = {};
  for (const r of redactions) counts[r.kind] = (counts[r.kind] ?? 0) + 1;
  return { value, counts, total: redactions.length };
}

/** Redact every string inside a JSON-like value (object keys stay as they are); returns a copy only when something changed. */
export function redactValue<T>(input: T): Redacted<T> {
  const tally = new RedactionTally();
  const visit = (node: unknown): unknown => {
    if (typeof node === 'string') {
      const result = redactText(node);
      if (result.total) tally.add(result.counts);
      return result.value;
    }
    if (Array.isArray(node)) {
      let changed = false;
      const out = node.map((item) => {
        const next = visit(item);
        if (next !== item) changed = true;
        return next;
      });
      return changed ? out : node;
    }
    if (node && typeof node === 'object' && Object.getPrototypeOf(node) === Object.prototype) {
      let changed = false;
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(node)) {
        const next = visit(item);
        if (next !== item) changed = true;
        out[key] = next;
      }
      return changed ? out : node;
    }
    return node;
  };
  const value = visit(input) as T;
  return { value, counts: tally.counts, total: tally.total };
}

/**
 * Redact a value and count what was replaced in the request's tally; the counts come back too,
 * so the audit entry of the change can say what was redacted (never the values).
 */
export function redactCounted<T>(input: T, tally: RedactionTally): { value: T; redactions?: RedactionCounts } {
  const { value, counts, total } = redactValue(input);
  tally.add(counts);
  return total ? { value, redactions: counts } : { value };
}
