import { isSecretName } from './secret-names';
import { mayHoldSecret, redactSecrets, type ScanContext, type SecretKind } from './secrets';

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

const WHOLE_PLACEHOLDER = /^\[(?:REDACTED:[a-z_]+|withheld)\](?:#\d+)?$/;
/** A string this long is scanned as text only, never parsed as an embedded JSON document. */
const MAX_EMBEDDED_JSON = 1_000_000;

function countsOf(redactions: { kind: SecretKind }[]): RedactionCounts {
  const counts: RedactionCounts = {};
  for (const r of redactions) counts[r.kind] = (counts[r.kind] ?? 0) + 1;
  return counts;
}

/** Redact one whole text (multi-line blocks included, before anyone splits it into lines). */
export function redactText(text: string, context: ScanContext = {}): Redacted<string> & { openBlock: boolean } {
  if (!mayHoldSecret(text, context)) return { value: text, counts: {}, total: 0, openBlock: false };
  const { text: value, redactions, openBlock } = redactSecrets(text, context);
  return { value, counts: countsOf(redactions), total: redactions.length, openBlock };
}

const isPlainObject = (node: unknown): node is Record<string, unknown> => {
  if (!node || typeof node !== 'object') return false;
  const proto = Object.getPrototypeOf(node);
  return proto === Object.prototype || proto === null;
};

/**
 * One pass over a whole JSON-like document, keys and values alike:
 * - every string (and every object key) passes the scanner as a whole text;
 * - a value under a secret-like name (`password`, `aws_secret_access_key`, `x-api-key`, or a `{ name, value }`
 *   pair naming one) is redacted whatever it looks like, everything under it included;
 * - a private key block split over consecutive items of an array or object is redacted to its footer;
 * - an AWS access key id anywhere makes 40-character base64 strings anywhere in the document secret keys;
 * - a string holding a JSON document is walked as one.
 * Returns a copy only when something changed.
 */
export function redactValue<T>(input: T): Redacted<T> {
  const walker = new DocumentWalker(false);
  let value = walker.visit(input, false) as T;
  if (walker.counts.aws_access_key && !walker.awsKeyNearby) {
    // A key id was found: walk again so that its secret key is found wherever it sits.
    const again = new DocumentWalker(true);
    value = again.visit(value, false) as T;
    walker.add(again.counts);
  }
  const total = Object.values(walker.counts).reduce((sum, n) => sum + (n ?? 0), 0);
  return { value, counts: walker.counts, total };
}

class DocumentWalker {
  readonly counts: RedactionCounts = {};

  constructor(readonly awsKeyNearby: boolean) {}

  add(counts: RedactionCounts): void {
    for (const [kind, count] of Object.entries(counts) as [SecretKind, number][])
      this.counts[kind] = (this.counts[kind] ?? 0) + count;
  }

  /** A string; `secret` when it sits under a secret-like name. */
  text(node: string, secret: boolean, inBlock = false): { value: string; openBlock: boolean } {
    const scanned = redactText(node, { awsKeyNearby: this.awsKeyNearby, inBlock });
    this.add(scanned.counts);
    let value = scanned.value;
    if (secret && value.trim() !== '' && !WHOLE_PLACEHOLDER.test(value)) {
      this.add({ assignment: 1 });
      return { value: '[REDACTED:assignment]', openBlock: false };
    }
    const embedded = this.embeddedJson(value);
    if (embedded !== undefined) value = embedded;
    return { value, openBlock: scanned.openBlock };
  }

  /** A string that is itself a JSON object or array (a tool result's text, a stored payload): walked as one. */
  private embeddedJson(text: string): string | undefined {
    const trimmed = text.trim();
    if (trimmed.length < 2 || trimmed.length > MAX_EMBEDDED_JSON) return undefined;
    const open = trimmed[0];
    const close = trimmed[trimmed.length - 1];
    if (!((open === '{' && close === '}') || (open === '[' && close === ']'))) return undefined;
    if (!mayHoldSecret(trimmed, { awsKeyNearby: this.awsKeyNearby })) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      return undefined;
    }
    const next = this.visit(parsed, false);
    return next === parsed ? undefined : JSON.stringify(next);
  }

  visit(node: unknown, secret: boolean): unknown {
    if (typeof node === 'string') return this.text(node, secret).value;
    if (Array.isArray(node)) return this.sequence(node, secret);
    if (isPlainObject(node)) return this.object(node, secret);
    return node;
  }

  /** Items in order; a private key block left open by one item continues into the next strings. */
  private sequence(node: unknown[], secret: boolean): unknown[] {
    let changed = false;
    let inBlock = false;
    const out = node.map((item) => {
      let next: unknown;
      if (typeof item === 'string') {
        const scanned = this.text(item, secret, inBlock);
        inBlock = scanned.openBlock;
        next = scanned.value;
      } else {
        inBlock = false;
        next = this.visit(item, secret);
      }
      if (next !== item) changed = true;
      return next;
    });
    return changed ? out : node;
  }

  private object(node: Record<string, unknown>, secret: boolean): Record<string, unknown> {
    let changed = false;
    let inBlock = false;
    const out: Record<string, unknown> = Object.getPrototypeOf(node) === null ? Object.create(null) : {};
    // `{ "name": "AWS_SECRET_ACCESS_KEY", "value": "…" }`: the name and its value sit in two fields.
    const pairName = [node.name, node.key, node.Name, node.Key].find((v): v is string => typeof v === 'string');
    const pairSecret = pairName !== undefined && isSecretName(pairName);
    for (const [key, item] of Object.entries(node)) {
      let name = key;
      const scannedKey = redactText(key, { awsKeyNearby: this.awsKeyNearby });
      if (scannedKey.total) {
        this.add(scannedKey.counts);
        name = scannedKey.value;
        for (let n = 2; Object.hasOwn(out, name) || (name !== key && Object.hasOwn(node, name)); n++)
          name = `${scannedKey.value}#${n}`;
        changed = true;
      }
      const secretHere =
        secret || isSecretName(key) || (pairSecret && (key === 'value' || key === 'Value' || key === 'secret'));
      let next: unknown;
      if (typeof item === 'string') {
        const scanned = this.text(item, secretHere, inBlock);
        inBlock = scanned.openBlock;
        next = scanned.value;
      } else {
        inBlock = false;
        next = this.visit(item, secretHere);
      }
      if (next !== item) changed = true;
      out[name] = next;
    }
    return changed ? out : node;
  }
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
