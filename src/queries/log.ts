/** One request the GPT made, as the dashboard shows it. Never holds headers, bodies or keys. */
export interface RecordedQuery {
  at: string;
  method: string;
  /** The route pattern, e.g. `/ai/intents/:id`. */
  route: string;
  /** The concrete path, e.g. `/ai/intents/4f…`. */
  path: string;
  /** Query-string parameters, clipped. */
  params: Record<string, string>;
  status: number;
  /** How many items the answer held (the length of its main list), when it had one. */
  resultCount: number | null;
  latencyMs: number;
  requestId: string;
}

/** How many recent queries a project keeps; older ones are dropped as new ones arrive. */
export const QUERY_LOG_CAPACITY = 100;

/**
 * The port behind the GPT's query log: a bounded, newest-first list per project,
 * kept in the same backend as the shared context (Upstash or the embedded Durable Object).
 */
export interface QueryLogStore {
  readonly kind: 'upstash' | 'durable-object';
  append(project: string, entry: RecordedQuery, capacity: number): Promise<void>;
  /** Newest first, at most `limit`. */
  recent(project: string, limit: number): Promise<RecordedQuery[]>;
}

const MAX_PARAMS = 20;
const MAX_PARAM_CHARS = 200;
const LIST_KEYS = [
  'entries',
  'items',
  'results',
  'hits',
  'intents',
  'sessions',
  'commits',
  'runs',
  'pulls',
  'queries',
  'layers',
  'events',
];

/** Parameter names whose values are never kept (a key pasted into a URL must not reach the dashboard). */
const SECRET_NAME = /key|token|secret|password|ticket|auth/i;

/** Query parameters as recorded: at most 20, each value at most 200 characters, secret-looking ones withheld. */
export function clipParams(search: URLSearchParams): Record<string, string> {
  const params: Record<string, string> = {};
  let count = 0;
  for (const [name, value] of search) {
    if (count++ >= MAX_PARAMS) break;
    const clipped = value.length > MAX_PARAM_CHARS ? `${value.slice(0, MAX_PARAM_CHARS - 1)}…` : value;
    params[name.slice(0, 64)] = SECRET_NAME.test(name) ? '[withheld]' : clipped;
  }
  return params;
}

/** The number of results in a JSON answer: its own length if a list, else the length of its main list. */
export function resultCountOf(body: unknown): number | null {
  if (Array.isArray(body)) return body.length;
  if (!body || typeof body !== 'object') return null;
  const record = body as Record<string, unknown>;
  for (const key of LIST_KEYS) {
    const value = record[key];
    if (Array.isArray(value)) return value.length;
  }
  for (const value of Object.values(record)) if (Array.isArray(value)) return value.length;
  if (typeof record.live === 'boolean') return record.live ? 1 : 0;
  return null;
}
