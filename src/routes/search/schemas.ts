import { z } from '@hono/zod-openapi';

export const FreshnessSchema = z
  .object({
    indexedCommit: z.string().nullable().openapi({ description: 'The commit the index reflects (null before the first run).' }),
    headCommit: z.string().nullable().openapi({ description: "The branch head on GitHub now (null if GitHub could not be read)." }),
    stale: z.boolean().nullable().openapi({ description: 'True when the branch moved past the indexed commit; null when unknown.' }),
    indexedAt: z.string().nullable(),
    running: z.boolean().openapi({ description: 'A run is in progress.' }),
  })
  .openapi('IndexFreshness');

export const SearchHitSchema = z
  .object({
    repo: z.string(),
    path: z.string(),
    startLine: z.number().int(),
    endLine: z.number().int(),
    symbol: z.string().nullable(),
    kind: z.string(),
    language: z.string(),
    score: z.number().openapi({ description: 'Reciprocal-rank-fusion score; higher is better.' }),
    signals: z.array(z.enum(['lexical', 'vector'])).openapi({ description: 'Which rankings found this chunk.' }),
    snippet: z.object({ startLine: z.number().int(), endLine: z.number().int(), text: z.string(), truncated: z.boolean() }),
    indexedCommit: z.string().nullable().openapi({ description: "The commit this hit's file was indexed at." }),
    changedSince: z.boolean().nullable().openapi({ description: 'True when the file changed between indexedCommit and the branch head; null when unknown.' }),
  })
  .openapi('SearchHit');

/** Control characters other than tab and line breaks: never part of a real question. */
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

export const SearchQuerySchema = z.object({
  q: z
    .string()
    .max(500, 'q must be at most 500 characters')
    .trim()
    .min(1, 'q must not be empty')
    .refine((q) => !CONTROL_CHARACTERS.test(q), 'q must not contain control characters')
    .openapi({ description: 'What you are looking for, in words or identifiers (1-500 characters).' }),
  k: z.coerce.number().int().min(1).max(20).default(8).openapi({ description: 'At most this many results (1-20, default 8).' }),
});
