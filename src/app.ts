import { swaggerUI } from '@hono/swagger-ui';
import { HTTPException } from 'hono/http-exception';
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError, problemResponse } from './errors';
import type { AppEnv } from './app-env';
import { loadConfig, type Config, type Env } from './config';
import { buildServices } from './services';
import { Logger, describeError, type LogLevel } from './lib/log';
import { createRouter } from './routes/router';
import { healthRouter } from './routes/health';
import { contextRouter } from './routes/context';
import { auditRouter } from './routes/audit';
import { queriesRouter } from './routes/queries';
import { recordGptQueries } from './queries/recorder';
import { eventsRouter } from './routes/events';
import { cursorRouter } from './routes/cursor';
import { githubRouter } from './routes/github';
import { wordpressRouter } from './routes/wordpress';
import { cloudwaysRouter } from './routes/cloudways';
import { statusRouter } from './routes/status';
import { maintenanceRouter } from './routes/maintenance';
import { metricsRouter } from './routes/metrics';
import { reviewRouter } from './routes/review';
import { digestRouter } from './routes/digest';
import { buildOpenApiDocument, gptProfile, publicUrlVars, registerSecurityScheme } from './routes/openapi';
import { collectMetrics } from './metrics/middleware';
import { intentsRouter } from './routes/intents';
import { searchRouter } from './routes/search';
import { mcpRouter } from './routes/mcp';
import { redactForModel, redactMcp } from './redaction/boundary';
import { internalCallOf } from './auth/internal';
import { oauthRouter, wellKnownRouter } from './routes/oauth';
import { connectionsRouter } from './routes/connections';

// Parsed config per env object: validation and key hashing happen once per isolate, not per request.
const configCache = new WeakMap<object, Promise<Config>>();
function configFor(env: Env): Promise<Config> {
  let config = configCache.get(env);
  if (!config) {
    config = loadConfig(env);
    configCache.set(env, config);
    config.catch(() => configCache.delete(env));
  }
  return config;
}

function logLevelOf(env: Env): LogLevel {
  const level = env.LOG_LEVEL;
  return level === 'debug' || level === 'warn' || level === 'error' || level === 'silent' ? level : 'info';
}

/** A caller's own x-request-id, for the log only (never our id: a caller could claim another's). */
function clientRequestIdFrom(header: string | undefined): string | undefined {
  return header && /^[A-Za-z0-9._:-]{1,64}$/.test(header) ? header : undefined;
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof HTTPException) {
    if (error.status === 415) return new ApiError('unsupported_media_type', 'Send the body as application/json.');
    if (error.status === 413) return new ApiError('payload_too_large', 'The request body is too large.');
    if (error.status === 400) {
      return /json/i.test(error.message)
        ? new ApiError('malformed_json', 'The request body is not valid JSON.')
        : new ApiError('bad_request', error.message || 'Bad request.');
    }
    if (error.status === 401) return new ApiError('unauthenticated', 'Authentication failed.');
  }
  return new ApiError('internal', 'An unexpected error occurred; the request id identifies it in the service log.', {
    internal: error,
  });
}

export function createApp() {
  const app = createRouter();

  app.use('*', async (c, next) => {
    const started = performance.now();
    const requestId = crypto.randomUUID();
    const clientRequestId = clientRequestIdFrom(c.req.header('x-request-id'));
    c.set('requestId', requestId);
    await next();
    c.header('x-request-id', requestId);
    const caller = c.get('caller');
    const level = c.get('services')?.config.logLevel ?? logLevelOf(c.env);
    new Logger(level).info('request', {
      requestId,
      ...(clientRequestId ? { clientRequestId } : {}),
      client: caller?.label,
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    });
  });

  const provideServices: MiddlewareHandler<AppEnv> = async (c, next) => {
    const config = await configFor(c.env);
    const log = new Logger(config.logLevel, { requestId: c.var.requestId });
    const refreshCache = internalCallOf(c.req.raw)?.refreshCache ?? false;
    const services = buildServices(config, c.env, log, c.var.requestId, { refreshCache });
    c.set('services', services);
    try {
      await next();
    } finally {
      c.executionCtx.waitUntil(services.ledgerPool.close());
    }
  };
  app.use('/ai/*', provideServices);
  app.use('/mcp', provideServices);
  app.use('/oauth/*', provideServices);

  app.use('/ai/*', collectMetrics);
  app.use('/ai/*', recordGptQueries);
  app.use('/ai/*', redactForModel);
  app.use('/mcp', redactMcp);

  app.route('/', healthRouter());
  app.route('/ai/context', contextRouter());
  app.route('/ai/audit', auditRouter());
  app.route('/ai/queries', queriesRouter());
  app.route('/ai/events', eventsRouter());
  app.route('/ai/cursor', cursorRouter());
  app.route('/ai/github', githubRouter());
  app.route('/ai/wordpress', wordpressRouter());
  app.route('/ai/cloudways', cloudwaysRouter());
  app.route('/ai/status', statusRouter());
  app.route('/ai/maintenance', maintenanceRouter());
  app.route('/ai/metrics', metricsRouter());
  app.route('/ai/review', reviewRouter());
  app.route('/ai/digest', digestRouter());
  app.route('/ai/intents', intentsRouter());
  app.route('/ai/search', searchRouter());
  app.route('/mcp', mcpRouter(app));
  // OAuth 2.1 for /mcp and the REST API (src/oauth): consent, token, registration, metadata; connections list.
  app.route('/oauth', oauthRouter());
  app.route('/.well-known', wellKnownRouter());
  app.route('/ai/connections', connectionsRouter());

  registerSecurityScheme(app);
  app.get('/openapi.json', (c) => {
    const profile = c.req.query('profile');
    if (profile !== undefined && profile !== 'gpt')
      throw new ApiError('validation_failed', 'profile must be "gpt" or omitted.');
    const origin = publicUrlVars.parse(c.env as Record<string, unknown>) ?? new URL(c.req.url).origin;
    const document = buildOpenApiDocument(app, origin);
    return c.json(profile === 'gpt' ? gptProfile(document) : document);
  });
  app.get('/docs', swaggerUI({ url: '/openapi.json' }));

  app.notFound((c) =>
    problemResponse(
      new ApiError('not_found', `No route for ${c.req.method} ${new URL(c.req.url).pathname}. See /openapi.json.`),
      c.var.requestId ?? crypto.randomUUID(),
    ),
  );

  app.onError((error, c: Context<AppEnv>) => {
    const apiError = toApiError(error);
    const requestId = c.var.requestId ?? crypto.randomUUID();
    const log = c.var.services?.log ?? new Logger(logLevelOf(c.env ?? {}), { requestId });
    if (apiError.internal !== undefined || apiError.code === 'internal') {
      // Something underneath failed: the cause goes to the log, never to the caller.
      log.error('request failed', { code: apiError.code, ...describeError(apiError.internal ?? error) });
    } else if (apiError.status >= 500 && apiError.code !== 'not_configured') {
      log.warn('request refused', { code: apiError.code, detail: apiError.message });
    }
    return problemResponse(apiError, requestId);
  });

  return app;
}

export type App = ReturnType<typeof createApp>;
