/** The hash that precedes the first entry of a chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields a chain hash covers, in the shape they are stored. */
export interface ChainedFields {
  seq: number;
  at: Date;
  actorClient: string;
  actorPerson: string | null;
  action: string;
  target: string;
  summary: string;
  detail: Record<string, unknown>;
  requestId: string;
  prevHash: string;
}

/**
 * JSON with object keys sorted at every depth and no whitespace, so the same
 * entry always encodes to the same bytes (jsonb does not keep key order).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
    return JSON.stringify(value) ?? 'null';
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value))
    return `[${value.map((item) => canonicalJson(item === undefined ? null : item)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export async function chainHash(fields: ChainedFields): Promise<string> {
  // Name every covered field: a row object carries more (its own hash) that must not be hashed.
  const encoded = canonicalJson({
    seq: fields.seq,
    at: fields.at.toISOString(),
    actorClient: fields.actorClient,
    actorPerson: fields.actorPerson,
    action: fields.action,
    target: fields.target,
    summary: fields.summary,
    detail: fields.detail,
    requestId: fields.requestId,
    prevHash: fields.prevHash,
  });
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(encoded));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export type ChainBreak = { seq: number; reason: string };

/**
 * Check one stored row against its predecessor. Returns why it breaks the chain,
 * or undefined when it is intact.
 */
export async function checkLink(
  row: ChainedFields & { hash: string },
  previous: { seq: number; hash: string } | undefined,
): Promise<string | undefined> {
  if (previous) {
    if (row.seq !== previous.seq + 1) return `sequence gap: ${previous.seq} is followed by ${row.seq}`;
    if (row.prevHash !== previous.hash) return 'prev_hash does not match the previous entry';
  } else if (row.seq === 1 && row.prevHash !== GENESIS_HASH) {
    return 'the first entry does not start from the genesis hash';
  }
  const expected = await chainHash(row);
  if (expected !== row.hash) return 'hash does not match the entry contents';
  return undefined;
}
