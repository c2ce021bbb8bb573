import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from '../app-env';
import { ApiError } from '../errors';

/** The route template that answered (`/ai/maintenance/:job`), never the raw path, so label values stay bounded. */
function routeTemplate(c: Parameters<MiddlewareHandler<AppEnv>>[0]): string {
  const handler = matchedRoutes(c).findLast((route) => route.method !== 'ALL');
  return handler?.path ?? 'unmatched';
}

/**
 * Records every `/ai/*` request (route, method, client, status, latency, problem code) and sends it after the
 * response, together with whatever other requests of this isolate recorded meanwhile.
 */
export const collectMetrics: MiddlewareHandler<AppEnv> = async (c, next) => {
  const startedAt = Date.now();
  const started = performance.now();
  await next();
  const services = c.var.services;
  if (!services) return;
  const error = c.error;
  const errorCode =
    error instanceof ApiError
      ? error.code
      : c.res.status >= 500
        ? 'internal'
        : c.res.status === 404
          ? 'not_found'
          : undefined;
  services.metrics.record({
    route: routeTemplate(c),
    method: c.req.method,
    client: c.var.caller?.client ?? 'anonymous',
    status: c.res.status,
    durationMs: performance.now() - started,
    at: startedAt,
    ...(errorCode ? { errorCode } : {}),
    ...(services.redactions.total ? { redactions: { ...services.redactions.counts } } : {}),
  });
  c.executionCtx.waitUntil(
    services.metrics.drain().catch((e) => services.log.warn('metrics flush failed', { error: String(e) })),
  );
};
