import { OpenAPIHono, type z } from '@hono/zod-openapi';
import { ApiError } from '../errors';
import type { AppEnv } from '../app-env';

/** Every router validates the same way: a failure is a `validation_failed` problem listing what was wrong. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, result.target);
    },
  });
}

/** The `validation_failed` problem for a failed zod parse of one part of the request. */
export function validationError(error: z.ZodError, target: string | undefined): ApiError {
  const issues = error.issues.slice(0, 20).map((issue) => ({
    path: issue.path.map(String).join('.') || (target ?? 'request'),
    message: issue.message,
  }));
  return new ApiError(
    'validation_failed',
    `Invalid ${target ?? 'request'}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    {
      extra: { issues },
    },
  );
}
