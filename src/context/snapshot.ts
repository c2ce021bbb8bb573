import { z } from '@hono/zod-openapi';
import { CommitSha, identifier, text } from '../lib/input';

export const EXTRA_MAX_BYTES = 8_192;

const extra = z
  .record(identifier({ max: 64 }), z.unknown())
  .refine((value) => new TextEncoder().encode(JSON.stringify(value)).length <= EXTRA_MAX_BYTES, {
    message: `extra must encode to at most ${EXTRA_MAX_BYTES} bytes of JSON`,
  })
  .openapi({ description: `Free-form JSON for anything else worth sharing (at most ${EXTRA_MAX_BYTES} bytes).` });

/** The shared working context's fields; every one optional. */
export const ContextFieldsSchema = z
  .object({
    branch: identifier({ max: 255 }).openapi({ example: 'feature/checkout' }),
    commit: CommitSha.openapi({ example: '3f2c9a1' }),
    activeUser: identifier({ max: 100 }).openapi({ example: 'alice' }),
    currentTask: text({ min: 1, max: 2_000, multiline: true }).openapi({
      example: 'Fix the failing checkout test on staging',
    }),
    notes: text({ max: 4_000, multiline: true }),
    extra,
  })
  .partial()
  .strict()
  .openapi('ContextFields');

export type ContextFields = z.infer<typeof ContextFieldsSchema>;
export const CONTEXT_FIELD_NAMES = Object.keys(ContextFieldsSchema.shape) as (keyof ContextFields)[];

/** What a PATCH may send: a value sets a field, `null` removes it. */
export const ContextPatchFieldsSchema = z
  .object(
    Object.fromEntries(
      Object.entries(ContextFieldsSchema.shape).map(([name, schema]) => [
        name,
        (schema as z.ZodOptional<z.ZodTypeAny>).unwrap().nullable().optional(),
      ]),
    ) as { [K in keyof ContextFields]-?: z.ZodOptional<z.ZodNullable<z.ZodType<NonNullable<ContextFields[K]>>>> },
  )
  .strict();

export type ContextPatch = { [K in keyof ContextFields]?: ContextFields[K] | null };

export interface Author {
  client: string;
  person?: string;
}

/** A live snapshot as stored by a context store. */
export interface StoredContext {
  fields: ContextFields;
  updatedBy: Author;
  updatedAt: string;
  expiresAt: string;
  version: number;
}

export function authorLabel(author: Author): string {
  return author.person ? `${author.client}:${author.person}` : author.client;
}

/** Apply a PATCH: set what it names, remove what it nulls, keep the rest. */
export function mergeContext(current: ContextFields, patch: ContextPatch): ContextFields {
  const next: Record<string, unknown> = { ...current };
  for (const [name, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) delete next[name];
    else next[name] = value;
  }
  return next as ContextFields;
}

/** Names of the fields whose values differ (compared as canonical JSON). */
export function changedFields(before: ContextFields | undefined, after: ContextFields | undefined): string[] {
  const names = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const changed: string[] = [];
  for (const name of names) {
    const a = (before as Record<string, unknown> | undefined)?.[name];
    const b = (after as Record<string, unknown> | undefined)?.[name];
    if (JSON.stringify(a) !== JSON.stringify(b)) changed.push(name);
  }
  return changed.sort();
}
