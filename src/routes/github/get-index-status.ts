import { createRoute, z } from '@hono/zod-openapi';
import type { RouteHandler } from '@hono/zod-openapi';
import { errorResponses, notConfiguredResponse } from '../../errors';
import { guard, ALL_CLIENTS } from '../../auth/guard';
import type { AppEnv } from '../../app-env';
import { repoKey } from '../../code-index/source/repo-source';
import { FreshnessSchema } from '../search/schemas';

const CountMap = z.record(z.string(), z.number().int());

const SummaryStatsSchema = z
  .object({
    written: z.number().int().openapi({ description: 'Model-written summaries made in this run.' }),
    cached: z.number().int().openapi({ description: 'Reused from the blob-hash cache (content unchanged).' }),
    failed: z
      .number()
      .int()
      .openapi({ description: 'Calls that failed (429, 5xx, timeout): the file keeps its deterministic summary.' }),
    deferred: z.number().int().openapi({ description: 'Left for the next run (per-run budget, rate limit).' }),
    lastError: z.string().nullable(),
  })
  .openapi('FileSummaryStats');

const HistoryStatsSchema = z
  .object({
    commits: z.number().int().openapi({ description: 'Commits of the history walk read in this run.' }),
    requests: z.number().int().openapi({ description: 'GitHub requests the walk made (commit pages and commits).' }),
    paused: z.enum(['budget', 'rate_limit']).nullable().openapi({
      description: 'Why the walk stopped early (per-run budget or rate limit); it goes on in the next run.',
    }),
  })
  .openapi('HistoryWalkStats');

const ChunkingStatsSchema = z
  .object({
    syntax: z.number().int().openapi({ description: 'Files cut by their syntax tree.' }),
    text: z.number().int().openapi({ description: 'Files cut by the text splitter (no grammar for the language).' }),
    fallback: z.number().int().openapi({
      description: 'Files of a parsed language cut by text because the grammar failed; a healthy run has none.',
    }),
    firstError: z.string().nullable().openapi({ description: "The run's first grammar failure (no file content)." }),
  })
  .openapi('ChunkingStats');

const RunStatsSchema = z.object({
  filesPlanned: z.number().int(),
  filesIndexed: z.number().int(),
  filesDeleted: z.number().int(),
  filesSkipped: z.number().int(),
  chunksWritten: z.number().int(),
  chunksChanged: z.number().int(),
  chunksEmbedded: z.number().int(),
  chunksCached: z.number().int(),
  redactions: z.number().int(),
  batches: z.number().int(),
  summaries: SummaryStatsSchema.optional(),
  history: HistoryStatsSchema.optional(),
  chunking: ChunkingStatsSchema.optional().openapi({ description: 'How the files were cut (absent in older runs).' }),
});

const RepoIndexSchema = z
  .object({
    repo: z.string(),
    branch: z.string(),
    indexedCommit: z.string().nullable(),
    indexedAt: z.string().nullable(),
    freshness: FreshnessSchema,
    embedder: z.string().nullable(),
    files: z.number().int(),
    chunks: z.number().int(),
    embedded: z.number().int().openapi({ description: 'Chunks that have a vector.' }),
    cachedVectors: z.number().int().openapi({ description: 'Vectors held in the content-hash cache.' }),
    skipped: z.object({
      total: z.number().int(),
      byReason: CountMap,
      sample: z.array(z.object({ path: z.string(), reason: z.string() })),
    }),
    redacted: z.object({
      total: z.number().int(),
      byKind: CountMap,
      sample: z.array(z.object({ path: z.string(), line: z.number().int(), kind: z.string() })),
    }),
    languages: CountMap,
    history: z
      .object({
        commits: z.number().int().openapi({ description: 'Commits read into the history field.' }),
        files: z.number().int().openapi({ description: 'Files the history field describes.' }),
        newest: z
          .string()
          .nullable()
          .openapi({ description: 'The newest branch head whose history is read or queued.' }),
        pending: z.boolean().openapi({ description: 'True while older or newer history is still to be read.' }),
        until: z.string().nullable().openapi({ description: 'Evaluation only: history after this time is left out.' }),
      })
      .openapi({ description: 'The history field: commit subjects per file, read incrementally.' }),
    running: z
      .object({
        id: z.string(),
        trigger: z.string(),
        actor: z.string(),
        startedAt: z.string(),
        phase: z.string(),
        mode: z.string().nullable(),
        filesDone: z.number().int(),
        filesPlanned: z.number().int(),
        attempts: z.number().int(),
        lastError: z.string().nullable(),
        nextAttemptAt: z.string().nullable(),
        etaSeconds: z
          .number()
          .int()
          .nullable()
          .openapi({ description: 'Seconds left at the pace so far; null before the first file is done.' }),
        summaries: SummaryStatsSchema.nullable().openapi({
          description: 'Model-written file summaries so far (null when off); failures never fail the run.',
        }),
        history: HistoryStatsSchema.nullable().openapi({ description: 'The history walk so far (null when off).' }),
        chunking: ChunkingStatsSchema,
      })
      .nullable(),
    lastRun: z
      .object({
        id: z.string(),
        trigger: z.string(),
        actor: z.string(),
        startedAt: z.string(),
        finishedAt: z.string(),
        durationMs: z.number(),
        outcome: z.enum(['succeeded', 'failed', 'up_to_date']),
        mode: z.string().nullable(),
        baseCommit: z.string().nullable(),
        headCommit: z.string().nullable(),
        stats: RunStatsSchema,
        error: z.string().nullable(),
      })
      .nullable(),
  })
  .openapi('RepoIndexStatus');

const IndexStatusResponseSchema = z.object({ repos: z.array(RepoIndexSchema) }).openapi('CodeIndexStatus');

export const indexStatusRoute = createRoute({
  method: 'get',
  path: '/index',
  operationId: 'getCodeIndexStatus',
  summary: 'Show what the code index holds, per repository',
  description:
    'Per indexed repository: files, chunks, embedded and cached vectors, skipped files and redactions (counts, reasons, paths), the indexed commit vs branch head, any run in progress and the last run.',
  middleware: guard({ clients: ALL_CLIENTS }),
  responses: {
    200: {
      description: 'Index status for every configured repository.',
      content: { 'application/json': { schema: IndexStatusResponseSchema } },
    },
    ...errorResponses,
    ...notConfiguredResponse,
  },
});

export type IndexStatusResponse = z.infer<typeof IndexStatusResponseSchema>;

export const indexStatus: RouteHandler<typeof indexStatusRoute, AppEnv> = async (c) => {
  const index = c.var.services.indexing();
  index.resolve();
  const repos = await Promise.all(
    index.repos.map(async (repo) => {
      const status = await index.statusReport(repo);
      return { ...status, repo: repoKey(repo), branch: repo.branch };
    }),
  );
  return c.json({ repos } as IndexStatusResponse, 200);
};
