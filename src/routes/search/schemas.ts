import { z } from '@hono/zod-openapi';
import { queryIntOr } from '../../lib/input';
import { text } from '../../lib/input';

export const FreshnessSchema = z
  .object({
    indexedCommit: z
      .string()
      .nullable()
      .openapi({ description: 'The commit the index reflects (null before the first run).' }),
    headCommit: z
      .string()
      .nullable()
      .openapi({ description: 'The branch head on GitHub now (null if GitHub could not be read).' }),
    stale: z
      .boolean()
      .nullable()
      .openapi({ description: 'True when the branch moved past the indexed commit; null when unknown.' }),
    indexedAt: z.string().nullable(),
    running: z.boolean().openapi({ description: 'A run is in progress.' }),
  })
  .openapi('IndexFreshness');

export const SearchHitSchema = z
  .object({
    repo: z.string(),
    path: z.string(),
    fileRank: z
      .number()
      .int()
      .openapi({ description: 'Rank of this file; results are grouped by file, at most two chunks each.' }),
    startLine: z.number().int(),
    endLine: z.number().int(),
    symbol: z.string().nullable(),
    kind: z.string(),
    language: z.string(),
    score: z.number().openapi({
      description:
        "The file's score (field-weighted BM25, best chunks, vector similarity, path prior); higher is better.",
    }),
    signals: z
      .array(z.enum(['lexical', 'vector', 'history']))
      .openapi({ description: 'Which rankings found this file.' }),
    summary: z
      .string()
      .nullable()
      .openapi({ description: "The file's summary: exports, declarations with their doc comments, imports." }),
    modelSummary: z.string().nullable().openapi({
      description: 'A model-written paragraph about what the file does (when enabled for the index), or null.',
    }),
    history: z.array(z.string()).openapi({
      description: 'Subjects (or pull-request titles) of the newest commits that changed the file, newest first.',
    }),
    snippet: z
      .object({ startLine: z.number().int(), endLine: z.number().int(), text: z.string(), truncated: z.boolean() })
      .optional()
      .openapi({
        description: 'A bounded excerpt of the code. The gpt client gets it only when GPT_CODE_EXPOSURE=snippet.',
      }),
    signature: z
      .string()
      .nullable()
      .optional()
      .openapi({ description: 'gpt client (GPT_CODE_EXPOSURE=summary): the declaration up to its body.' }),
    doc: z
      .string()
      .nullable()
      .optional()
      .openapi({ description: 'gpt client (GPT_CODE_EXPOSURE=summary): the doc comment of the declaration.' }),
    indexedCommit: z.string().nullable().openapi({ description: "The commit this hit's file was indexed at." }),
    changedSince: z.boolean().nullable().openapi({
      description: 'True when the file changed between indexedCommit and the branch head; null when unknown.',
    }),
  })
  .openapi('SearchHit');

export const SearchQuerySchema = z.object({
  q: text({ max: 500 }).trim().min(1).openapi({ description: 'What you are looking for, in words or identifiers.' }),
  k: queryIntOr({ min: 1, max: 20, default: 8, description: 'At most this many results (1-20, default 8).' }),
});
