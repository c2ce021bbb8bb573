import type { RepoIndexStore, PreparedChunk } from '../store/repo-index-store';
import { INDEX_LAYOUT } from '../store/file-index';
import { summarizeFile, summaryText } from '../summary/file-summary';
import { chunkFile, type ChunkedFile } from '../chunking/chunker';
import { embeddingInput, type Embedder } from '../embedding/embedder';
import { decodeText, looksGenerated, skipReasonFor, type SkipReason } from './filter';
import { IgnoreRules } from './ignore';
import { languageOf } from '../chunking/languages';
import type { RepoSource } from '../source/repo-source';
import { countChunking, type RunState } from './run';
import { redactSecrets, type Redaction } from '../../redaction/secrets';
import { writesInTransaction, type VectorRecord, type VectorStore } from '../store/vector-store';
import type { RunStore } from '../store/run-store';
import type { FileCommits } from '../store/file-commits';
import { summarizerId, wantsModelSummary } from '../summary/model-summary';
import type { SummaryCache } from '../store/summary-cache';
import { modelSummariesFor, type ModelSummaryPorts, type SummaryOutcome } from './model-summaries';
import type { FileHistory } from '../store/file-history';
import { emptyHistoryStats, historyStep } from './history';

export const IGNORE_FILE = '.hezlepignore';

/** Blob reads in flight at once within a batch (well under a Worker's six simultaneous connections). */
const FETCH_CONCURRENCY = 5;

export async function contentHash(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest).subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
}

type Prepared =
  | { seq: number; kind: 'delete'; path: string }
  | { seq: number; kind: 'skip'; path: string; sha: string; reason: SkipReason }
  | {
      seq: number;
      kind: 'write';
      path: string;
      sha: string;
      language: string;
      chunks: PreparedChunk[];
      redactions: Redaction[];
      cut: Pick<ChunkedFile, 'method' | 'fallback' | 'dropped'>;
      summary: string;
      /** The redacted text, kept only for a file that wants a model-written summary. */
      summaryInput: string | null;
    };

export interface PipelinePorts {
  store: RepoIndexStore;
  runs: RunStore;
  commits: FileCommits;
  source: RepoSource;
  embedder: Embedder;
  vectors: VectorStore;
  /** The blob-hash cache and owed list of model-written summaries. */
  summaryCache: SummaryCache;
  /** Model-written summaries, when the run's spec turns them on. */
  summaries: ModelSummaryPorts | null;
  /** The per-file history field. */
  history: FileHistory;
  /** Run `work` as one SQLite transaction. */
  transaction<T>(work: () => T): T;
}

/** Files owed a model summary that one run takes up again, at most. */
const OWED_PER_RUN = 5_000;

/** Vector deletions settled with a remote store per call. */
const REMOVALS_PER_CALL = 500;

/**
 * One repository's indexing steps. `plan` turns the difference between what is indexed
 * and the branch head into a queue of work; `batch` takes the next slice of that queue,
 * committing file by file together with the checkpoint, so a failure resumes exactly
 * after the last committed file. Vectors are written before the checkpoint that records
 * them: in the same transaction for the embedded store, before it for a remote one.
 */
export class IndexPipeline {
  constructor(private readonly ports: PipelinePorts) {}

  /** Whether the history field has commits to read for this run's head (none on an unchanged night). */
  historyPending(state: RunState): boolean {
    const spec = state.spec.history;
    if (!spec || spec.maxCommits <= 0 || !state.headCommit) return false;
    const history = this.ports.history.state();
    return history.newest !== state.headCommit || history.walks.length > 0 || history.until !== (spec.until ?? null);
  }

  /** One bounded step of the history walk (see historyStep); true when the run has nothing more to read. */
  history(state: RunState): Promise<boolean> {
    state.stats.history ??= emptyHistoryStats();
    return historyStep(
      { history: this.ports.history, source: this.ports.source, transaction: this.ports.transaction },
      state.spec.repo,
      state.headCommit!,
      state.spec.history!,
      state.stats.history,
    );
  }

  async plan(state: RunState): Promise<'planned' | 'up_to_date'> {
    const { store, runs, source } = this.ports;
    const repo = state.spec.repo;
    const head = await source.head(repo);
    const base = store.getMeta('indexed_commit');
    state.baseCommit = base;
    state.headCommit = head.commit;
    // An index written under another layout (fields, summaries) is rebuilt file by file, like a new embedder.
    // So does turning model-written summaries on or off, or changing their model (cached summaries are reused).
    const sameLayout =
      store.getMeta('layout') === INDEX_LAYOUT &&
      (store.getMeta('summarizer') ?? 'none') === summarizerId(state.spec.summaries);
    const owed = this.ports.summaries ? this.ports.summaryCache.owed(OWED_PER_RUN) : [];
    if (!this.ports.summaries) this.ports.summaryCache.clearOwed();
    if (base === head.commit && store.getMeta('embedder') === this.ports.embedder.id && sameLayout && !owed.length)
      return 'up_to_date';

    let changes: { op: 'upsert' | 'delete'; path: string; sha: string | null; size: number }[] | null = null;
    let ignoreText = store.getMeta('ignore') ?? '';
    if (base && store.getMeta('embedder') === this.ports.embedder.id && sameLayout) {
      const comparison = await source.compare(repo, base, head.commit).catch(() => null);
      const ignoreChanged = comparison?.files.some(
        (file) => file.path === IGNORE_FILE || file.previousPath === IGNORE_FILE,
      );
      if (comparison && comparison.complete && comparison.linear && !ignoreChanged) {
        state.mode = 'incremental';
        changes = [];
        for (const file of comparison.files) {
          if (file.status === 'removed') changes.push({ op: 'delete', path: file.path, sha: null, size: 0 });
          else if (file.status === 'renamed') {
            if (file.previousPath) changes.push({ op: 'delete', path: file.previousPath, sha: null, size: 0 });
            changes.push({ op: 'upsert', path: file.path, sha: file.sha ?? null, size: 0 });
          } else if (file.status !== 'unchanged')
            changes.push({ op: 'upsert', path: file.path, sha: file.sha ?? null, size: 0 });
        }
      }
    }

    const known = store.fileShas();
    if (!changes) {
      // First run, history rewritten, too many changes for compare, or new ignore rules: diff whole trees by blob id.
      state.mode = base ? 'tree-diff' : 'full';
      const tree = await source.tree(repo, head.tree);
      const ignoreEntry = tree.files.find((file) => file.path === IGNORE_FILE);
      ignoreText = ignoreEntry ? new TextDecoder().decode(await source.blob(repo, ignoreEntry.sha)) : '';
      changes = [];
      const present = new Set<string>();
      const rules = new IgnoreRules(ignoreText);
      const sameEmbedder = store.getMeta('embedder') === this.ports.embedder.id && sameLayout;
      for (const file of tree.files) {
        present.add(file.path);
        const previous = known.get(file.path);
        const skipNow = skipReasonFor(file.path, file.size, this.filterOptions(state, rules)) !== null;
        // Skips decided from content (binary, generated banner) stand while the blob is the same.
        const skippedBefore = previous?.skipped ?? null;
        const contentSkip =
          skippedBefore === 'binary' || skippedBefore === 'generated' || skippedBefore === 'too_large';
        // Content changed, a new embedder, or the rules now say otherwise than when the file was last seen.
        const changed =
          !previous ||
          previous.sha !== file.sha ||
          !sameEmbedder ||
          (!contentSkip && (skippedBefore !== null) !== skipNow);
        if (changed) changes.push({ op: 'upsert', path: file.path, sha: file.sha, size: file.size });
      }
      for (const path of known.keys()) if (!present.has(path)) changes.push({ op: 'delete', path, sha: null, size: 0 });
      if (tree.truncated) state.lastError = 'GitHub truncated the tree listing; files beyond it were not seen.';
    }

    // Files still owed a model summary (a failed or over-budget call) are read again, unless they changed anyway.
    if (owed.length) {
      const planned = new Set(changes.map((change) => change.path));
      for (const path of owed) {
        const file = known.get(path);
        if (!planned.has(path) && file && !file.skipped) changes.push({ op: 'upsert', path, sha: file.sha, size: 0 });
      }
    }

    const ignore = new IgnoreRules(ignoreText);
    this.ports.transaction(() => {
      runs.clearWork();
      store.setMeta('ignore', ignoreText);
      for (const change of changes!) {
        if (change.op === 'upsert' && change.sha) {
          const reason = skipReasonFor(change.path, change.size, this.filterOptions(state, ignore));
          if (reason) {
            this.dropVectors(store.markSkipped(change.path, change.sha, reason));
            state.stats.filesSkipped++;
            continue;
          }
        }
        runs.addWork(change.sha ? change.op : 'delete', change.path, change.sha);
      }
      state.stats.filesPlanned = runs.workRemaining(0);
      state.phase = 'files';
      state.cursor = 0;
      runs.saveRunState(state);
    });
    await this.settleRemovals();
    return 'planned';
  }

  /** Inside a transaction: the vectors of removed chunks go now (embedded) or are owed to the remote store. */
  private dropVectors(ids: number[]): void {
    if (!ids.length) return;
    const vectors = this.ports.vectors;
    if (writesInTransaction(vectors)) vectors.removeNow(ids);
    else this.ports.runs.oweRemovals(ids);
  }

  /** Pay the vector deletions owed to a remote store; a failure leaves them owed for the next batch. */
  private async settleRemovals(): Promise<void> {
    const { vectors, runs } = this.ports;
    if (writesInTransaction(vectors)) return;
    for (let ids = runs.owedRemovals(REMOVALS_PER_CALL); ids.length; ids = runs.owedRemovals(REMOVALS_PER_CALL)) {
      await vectors.remove(ids);
      runs.settleRemovals(ids);
    }
  }

  private filterOptions(state: RunState, ignore: IgnoreRules) {
    return { maxFileBytes: state.spec.limits.maxFileBytes, ignore };
  }

  private async prepare(state: RunState, item: { seq: number; path: string; sha: string }): Promise<Prepared> {
    const bytes = await this.ports.source.blob(state.spec.repo, item.sha);
    if (bytes.length > state.spec.limits.maxFileBytes)
      return { seq: item.seq, kind: 'skip', path: item.path, sha: item.sha, reason: 'too_large' };
    const text = decodeText(bytes);
    if (text === null) return { seq: item.seq, kind: 'skip', path: item.path, sha: item.sha, reason: 'binary' };
    if (looksGenerated(text))
      return { seq: item.seq, kind: 'skip', path: item.path, sha: item.sha, reason: 'generated' };
    // Secrets go before anything else sees the text: the chunker, the hash, the embedder, the store.
    const redacted = redactSecrets(text);
    const language = languageOf(item.path);
    const chunked = await chunkFile(item.path, redacted.text, language);
    const chunks: PreparedChunk[] = [];
    for (const chunk of chunked.chunks)
      chunks.push({ ...chunk, hash: await contentHash(`${chunk.symbol ?? ''}\n${chunk.text}`) });
    const summary = summaryText(summarizeFile(redacted.text, language, chunked.chunks));
    const spec = this.ports.summaries?.spec;
    const summaryInput = spec && wantsModelSummary(spec, language, redacted.text) ? redacted.text : null;
    return {
      seq: item.seq,
      kind: 'write',
      path: item.path,
      sha: item.sha,
      language,
      chunks,
      redactions: redacted.redactions,
      cut: { method: chunked.method, fallback: chunked.fallback, dropped: chunked.dropped },
      summary,
      summaryInput,
    };
  }

  /** Process the next slice of work. Returns true when the queue is empty. */
  async batch(state: RunState): Promise<boolean> {
    const { store, runs, embedder, vectors } = this.ports;
    await this.settleRemovals();
    const items = runs.nextWork(state.cursor, state.spec.limits.batchFiles);
    if (!items.length) return true;

    // Fetch and chunk a few files at a time; keep results in queue order up to the first failure,
    // so the checkpoint never skips past a file that was not committed.
    const prepared: Prepared[] = [];
    let failure: unknown = null;
    for (let i = 0; i < items.length && failure === null; i += FETCH_CONCURRENCY) {
      const window = items.slice(i, i + FETCH_CONCURRENCY);
      const settled = await Promise.allSettled(
        window.map((item) =>
          item.op === 'delete' || !item.sha
            ? Promise.resolve<Prepared>({ seq: item.seq, kind: 'delete', path: item.path })
            : this.prepare(state, { seq: item.seq, path: item.path, sha: item.sha }),
        ),
      );
      for (const result of settled) {
        if (result.status === 'rejected') {
          failure = result.reason;
          break;
        }
        prepared.push(result.value);
      }
    }

    // Embed every chunk this slice needs that the content-hash cache does not hold, in one go.
    const writes = prepared.filter((p): p is Extract<Prepared, { kind: 'write' }> => p.kind === 'write');
    const byHash = new Map<string, PreparedChunk>();
    for (const write of writes)
      for (const chunk of write.chunks) if (!byHash.has(chunk.hash)) byHash.set(chunk.hash, chunk);
    const cachedHashes = store.cachedHashes([...byHash.keys()], embedder.id);
    const missing = [...byHash.values()].filter((chunk) => !cachedHashes.has(chunk.hash));
    const fresh = new Map<string, Float32Array>();
    if (missing.length) {
      const embedded = await embedder.embed(
        missing.map((chunk) => embeddingInput({ path: '', symbol: chunk.symbol, text: chunk.text })),
      );
      missing.forEach((chunk, i) => {
        fresh.set(chunk.hash, embedded[i]!);
      });
    }

    // Model-written summaries: cached by blob id, else asked for (a failure leaves the deterministic one).
    const modelSummaries: Map<number, SummaryOutcome> = this.ports.summaries
      ? await modelSummariesFor(
          this.ports.summaries,
          state,
          writes.flatMap((w) =>
            w.summaryInput === null
              ? []
              : [{ seq: w.seq, path: w.path, sha: w.sha, language: w.language, text: w.summaryInput }],
          ),
        )
      : new Map();

    // Each file's chunk ids (stable across retries) and vector records; import blocks are not embedded for search.
    const cached = store.embeddingsFor([...cachedHashes], embedder.id);
    const records = new Map<number, { ids: number[]; vectors: VectorRecord[] }>();
    for (const write of writes) {
      const ids = runs.chunkIdsFor(write.seq, write.chunks.length);
      const list: VectorRecord[] = [];
      write.chunks.forEach((chunk, i) => {
        const vector = fresh.get(chunk.hash) ?? cached.get(chunk.hash);
        if (vector && chunk.kind !== 'imports')
          list.push({
            id: ids[i]!,
            hash: chunk.hash,
            vector,
            path: write.path,
            language: chunk.language,
            startLine: chunk.startLine,
            endLine: chunk.endLine,
          });
      });
      records.set(write.seq, { ids, vectors: list });
    }
    // A remote store gets the vectors before any checkpoint records them: a failure here commits nothing.
    if (!writesInTransaction(vectors)) {
      const all = [...records.values()].flatMap((entry) => entry.vectors);
      if (all.length) await vectors.upsert(all);
    }

    const stored = new Set<string>();
    for (const entry of prepared) {
      this.ports.transaction(() => {
        const outcome = entry.kind === 'write' ? modelSummaries.get(entry.seq) : undefined;
        if (outcome === 'owed') this.ports.summaryCache.owe(entry.path);
        else this.ports.summaryCache.settle(entry.path);
        if (entry.kind === 'delete') {
          this.dropVectors(store.deleteFile(entry.path));
          state.stats.filesDeleted++;
        } else if (entry.kind === 'skip') {
          this.dropVectors(store.markSkipped(entry.path, entry.sha, entry.reason));
          state.stats.filesSkipped++;
        } else {
          const before = new Map<string, number>();
          for (const hash of store.chunkHashesOf(entry.path)) before.set(hash, (before.get(hash) ?? 0) + 1);
          for (const chunk of entry.chunks) {
            const left = before.get(chunk.hash) ?? 0;
            if (left > 0) before.set(chunk.hash, left - 1);
            else state.stats.chunksChanged++;
            const vector = fresh.get(chunk.hash);
            if (vector && !stored.has(chunk.hash)) {
              store.putEmbedding(chunk.hash, embedder.id, vector);
              stored.add(chunk.hash);
              state.stats.chunksEmbedded++;
            } else {
              state.stats.chunksCached++;
            }
          }
          const planned = records.get(entry.seq)!;
          const { removed } = store.writeFile(
            entry.path,
            entry.sha,
            entry.language,
            entry.chunks,
            entry.redactions,
            entry.cut.dropped,
            planned.ids,
            entry.summary,
            outcome && outcome !== 'owed' ? outcome.summary : null,
          );
          this.dropVectors(removed);
          if (state.headCommit) this.ports.commits.stamp(entry.path, state.headCommit);
          if (writesInTransaction(vectors)) vectors.upsertNow(planned.vectors);
          state.stats.filesIndexed++;
          state.stats.chunksWritten += entry.chunks.length;
          state.stats.redactions += entry.redactions.length;
          countChunking(state, entry.cut);
        }
        state.cursor = entry.seq;
        runs.saveRunState(state);
      });
    }
    await this.settleRemovals();
    if (failure) throw failure;
    state.stats.batches++;
    return items.length < state.spec.limits.batchFiles && runs.workRemaining(state.cursor) === 0;
  }
}
