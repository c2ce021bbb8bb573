import type { RecordedQuery } from './log';

const PREFIX = 'gpt-query:';
const SEQ_KEY = 'gpt-query-seq';

/** The GPT's recent queries in a Durable Object's synchronous KV: one key per entry, oldest trimmed on append. */
export class QueryLogTable {
  constructor(private readonly kv: SyncKvStorage) {}

  private key(seq: number): string {
    // Zero-padded so key order is append order.
    return `${PREFIX}${String(seq).padStart(12, '0')}`;
  }

  append(entry: RecordedQuery, capacity: number): void {
    const seq = (this.kv.get<number>(SEQ_KEY) ?? 0) + 1;
    this.kv.put(SEQ_KEY, seq);
    this.kv.put(this.key(seq), entry);
    if (seq <= capacity) return;
    const stale = [...this.kv.list({ prefix: PREFIX, end: this.key(seq - capacity + 1) })].map(([key]) => key);
    for (const key of stale) this.kv.delete(key);
  }

  recent(limit: number): RecordedQuery[] {
    return [...this.kv.list<RecordedQuery>({ prefix: PREFIX, reverse: true, limit })].map(([, entry]) => entry);
  }
}
