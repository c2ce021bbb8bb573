import { z } from 'zod';
import { ApiError } from '../errors';
import { cloudflareCronProblem } from '../cron/expression';

/** A text variable that may be unset; blank counts as unset. */
export const optionalVar = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/** An integer variable (variables arrive as text) within bounds, with a default. */
export const intVar = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/** A cron expression variable, with a default: refused unless Cloudflare would accept it as a trigger. */
export const cronVar = (name: string, fallback: string) =>
  z
    .string()
    .trim()
    .superRefine((value, ctx) => {
      const problem = cloudflareCronProblem(value);
      if (problem)
        ctx.addIssue({ code: 'custom', message: `${name} is not a cron expression Cloudflare accepts: ${problem}` });
    })
    .default(fallback);

/**
 * One area's variables: its schema (the single source for validation and for
 * docs/configuration.md) and a parser that runs once per env object, so every
 * area validates the same way and caches the same way.
 */
export interface VarsSection<S extends z.ZodObject, T> {
  area: string;
  schema: S;
  parse(vars: Record<string, unknown>): T;
}

/**
 * Declare an area's variables. `build` turns the validated values (and, for
 * bindings, the raw env) into the area's configuration; a bad value fails with
 * 503 `misconfigured` naming the variable.
 */
export function varsSection<S extends z.ZodObject, T>(
  area: string,
  schema: S,
  build: (values: z.output<S>, vars: Record<string, unknown>) => T,
): VarsSection<S, T> {
  const parsed = new WeakMap<object, T>();
  return {
    area,
    schema,
    parse(vars) {
      const cached = parsed.get(vars);
      if (cached !== undefined) return cached;
      const result = schema.safeParse(vars);
      if (!result.success) {
        const detail = result.error.issues
          .map((issue) => `${issue.path.join('.') || 'env'}: ${issue.message}`)
          .join('; ');
        throw new ApiError('misconfigured', `Service configuration is invalid: ${detail}`);
      }
      const value = build(result.data, vars);
      parsed.set(vars, value);
      return value;
    },
  };
}
