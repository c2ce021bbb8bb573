import { OpenAPIHono } from '@hono/zod-openapi';
import { ApiError } from '../errors';
import type { AppEnv } from '../app-env';

/** Every router validates the same way: a failure is a `validation_failed` problem listing what was wrong. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const issues = result.error.issues.slice(0, 20).map((issue) => ({
          path: issue.path.map(String).join('.') || (result.target ?? 'request'),
          message: issue.message,
        }));
        throw new ApiError(
          'validation_failed',
          `Invalid ${result.target ?? 'request'}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
          { extra: { issues } },
        );
      }
    },
  });
}
