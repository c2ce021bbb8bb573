import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env';
import { internalCallOf } from '../auth/internal';
import { redactValue } from '../redaction/redact';
import { QUERY_LOG_CAPACITY, clipParams, resultCountOf, type RecordedQuery } from './log';

/** The path as the route read it (decoded), so the scanner sees what a percent-encoded secret says. */
function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Answers larger than this are not parsed just to count their results. */
const MAX_COUNTED_BYTES = 256 * 1024;

/**
 * Records what the `gpt` client asked (route, parameters, result count, latency)
 * after the answer is sent, so the dashboard can show the model's recent queries.
 * Recording never delays or fails the request.
 */
export const recordGptQueries: MiddlewareHandler<AppEnv> = async (c, next) => {
  const started = performance.now();
  await next();
  const caller = c.get('caller');
  const services = c.get('services');
  // The warm-up's replays act as the gpt but are not the GPT's queries: they must not count themselves.
  const internal = internalCallOf(c.req.raw);
  if (caller?.client !== 'gpt' || !services || (internal && !internal.onBehalf)) return;
  const latencyMs = Math.round((performance.now() - started) * 10) / 10;
  const url = new URL(c.req.url);
  const response = c.res;
  const task = (async () => {
    let resultCount: number | null = null;
    const length = Number(response.headers.get('content-length') ?? '0');
    if (response.ok && /json/.test(response.headers.get('content-type') ?? '') && length <= MAX_COUNTED_BYTES) {
      resultCount = resultCountOf(
        await response
          .clone()
          .json()
          .catch(() => null),
      );
    }
    const recorded: RecordedQuery = {
      at: new Date().toISOString(),
      method: c.req.method,
      route: c.req.routePath,
      path: decodedPath(url.pathname).slice(0, 300),
      params: clipParams(url.searchParams),
      status: response.status,
      resultCount,
      latencyMs,
      requestId: c.var.requestId,
    };
    // A secret the model put in a query or a path stays out of the query log.
    const { value: entry } = redactValue(recorded);
    await services.queryLog.append(services.config.projectId, entry, QUERY_LOG_CAPACITY);
    await services.events.publish({
      topic: 'queries',
      type: 'query.recorded',
      summary: `gpt ${entry.method} ${entry.path} -> ${entry.status}${entry.resultCount === null ? '' : ` (${entry.resultCount} results)`} in ${entry.latencyMs} ms`,
      actor: { client: caller.client, person: caller.person, label: caller.label },
      data: { ...entry },
    });
  })().catch((error) =>
    services.log.warn('query not recorded', { error: error instanceof Error ? error.message : String(error) }),
  );
  c.executionCtx.waitUntil(task);
};
