import type { RepoIndexStore, PreparedChunk } from '../store/repo-index-store';
import { INDEX_LAYOUT } from '../store/file-index';
import { summarizeFile, summaryText } from '../summary/file-summary';
import { chunkFile } from '../chunking/chunker';
import { embeddingInput, type Embedder } from '../embedding/embedder';
import { decodeText, looksGenerated, skipReasonFor, type SkipReason } from './filter';
import { IgnoreRules } from './ignore';
import { languageOf } from '../chunking/languages';
import type { RepoSource } from '../source/repo-source';
import type { RunState } from './run';
import { redactSecrets, type Redaction } from '../../redaction/secrets';
import type { VectorRecord, VectorStore } from '../store/vector-store';

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
  | { seq: number; kind: 'write'; path: string; sha: string; language: string; chunks: PreparedChunk[]; redactions: Redaction[]; dropped: number; summary: string };

export interface PipelinePorts {
  store: RepoIndexStore;
  source: RepoSource;
  embedder: Embedder;
  vectors: VectorStore;
  /** Run `work` as one SQLite transaction. */
  transaction<T>(work: () => T): T;
}

/**
 * One repository's indexing steps. `plan` turns the difference between what is indexed
 * and the branch head into a queue of work; `batch` takes the next slice of that queue,
 * committing file by file together with the checkpoint, so a failure resumes exactly
 * after the last committed file.
 */
export class IndexPipeline {
  constructor(private readonly ports: PipelinePorts) {}

  async plan(state: RunState): Promise<'planned' | 'up_to_date'> {
    const { store, source } = this.ports;
    const repo = state.spec.repo;
    const head = await source.head(repo);
    const base = store.getMeta('indexed_commit');
    state.baseCommit = base;
    state.headCommit = head.commit;
    // An index written under another layout (fields, summaries) is rebuilt file by file, like a new embedder.
    const sameLayout = store.getMeta('layout') === INDEX_LAYOUT;
    if (base === head.commit && store.getMeta('embedder') === this.ports.embedder.id && sameLayout) return 'up_to_date';

    let changes: { op: 'upsert' | 'delete'; path: string; sha: string | null; size: number }[] | null = null;
    let ignoreText = store.getMeta('ignore') ?? '';
    if (base && store.getMeta('embedder') === this.ports.embedder.id && sameLayout) {
      const comparison = await source.compare(repo, base, head.commit).catch(() => null);
      const ignoreChanged = comparison?.files.some((file) => file.path === IGNORE_FILE || file.previousPath === IGNORE_FILE);
      if (comparison && comparison.complete && comparison.linear && !ignoreChanged) {
        state.mode = 'incremental';
        changes = [];
        for (const file of comparison.files) {
          if (file.status === 'removed') changes.push({ op: 'delete', path: file.path, sha: null, size: 0 });
          else if (file.status === 'renamed') {
            if (file.previousPath) changes.push({ op: 'delete', path: file.previousPath, sha: null, size: 0 });
            changes.push({ op: 'upsert', path: file.path, sha: file.sha ?? null, size: 0 });
          } else if (file.status !== 'unchanged') changes.push({ op: 'upsert', path: file.path, sha: file.sha ?? null, size: 0 });
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
        const contentSkip = skippedBefore === 'binary' || skippedBefore === 'generated' || skippedBefore === 'too_large';
        // Content changed, a new embedder, or the rules now say otherwise than when the file was last seen.
        const changed = !previous || previous.sha !== file.sha || !sameEmbedder || (!contentSkip && (skippedBefore !== null) !== skipNow);
        if (changed) changes.push({ op: 'upsert', path: file.path, sha: file.sha, size: file.size });
      }
      for (const path of known.keys()) if (!present.has(path)) changes.push({ op: 'delete', path, sha: null, size: 0 });
      if (tree.truncated) state.lastError = 'GitHub truncated the tree listing; files beyond it were not seen.';
    }

    const ignore = new IgnoreRules(ignoreText);
    this.ports.transaction(() => {
      store.clearWork();
      store.setMeta('ignore', ignoreText);
      for (const change of changes!) {
        if (change.op === 'upsert' && change.sha) {
          const reason = skipReasonFor(change.path, change.size, this.filterOptions(state, ignore));
          if (reason) {
            const removed = store.markSkipped(change.path, change.sha, reason);
            state.stats.filesSkipped++;
            if (removed.length) this.pendingRemovals.push(...removed);
            continue;
          }
        }
        store.addWork(change.sha ? change.op : 'delete', change.path, change.sha);
      }
      state.stats.filesPlanned = store.workRemaining(0);
      state.phase = 'files';
      state.cursor = 0;
      store.saveRunState(state);
    });
    await this.flushRemovals();
    return 'planned';
  }

  private pendingRemovals: number[] = [];

  private async flushRemovals(): Promise<void> {
    if (!this.pendingRemovals.length) return;
    const ids = this.pendingRemovals;
    this.pendingRemovals = [];
    await this.ports.vectors.remove(ids);
  }

  private filterOptions(state: RunState, ignore: IgnoreRules) {
    return { maxFileBytes: state.spec.limits.maxFileBytes, ignore };
  }

  private async prepare(state: RunState, item: { seq: number; path: string; sha: string }): Promise<Prepared> {
    const bytes = await this.ports.source.blob(state.spec.repo, item.sha);
    if (bytes.length > state.spec.limits.maxFileBytes) return { seq: item.seq, kind: 'skip', path: item.path, sha: item.sha, reason: 'too_large' };
    const text = decodeText(bytes);
    if (text === null) return { seq: item.seq, kind: 'skip', path: item.path, sha: item.sha, reason: 'binary' };
    if (looksGenerated(text)) return { seq: item.seq, kind: 'skip', path: item.path, sha: item.sha, reason: 'generated' };
    // Secrets go before anything else sees the text: the chunker, the hash, the embedder, the store.
    const redacted = redactSecrets(text);
    const language = languageOf(item.path);
    const chunked = await chunkFile(item.path, redacted.text, language);
    const chunks: PreparedChunk[] = [];
    for (const chunk of chunked.chunks) chunks.push({ ...chunk, hash: await contentHash(`${chunk.symbol ?? ''}\n${chunk.text}`) });
    const summary = summaryText(summarizeFile(redacted.text, language, chunked.chunks));
    return { seq: item.seq, kind: 'write', path: item.path, sha: item.sha, language, chunks, redactions: redacted.redactions, dropped: chunked.dropped, summary };
  }

  /** Process the next slice of work. Returns true when the queue is empty. */
  async batch(state: RunState): Promise<boolean> {
    const { store, embedder } = this.ports;
    const items = store.nextWork(state.cursor, state.spec.limits.batchFiles);
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
    for (const write of writes) for (const chunk of write.chunks) if (!byHash.has(chunk.hash)) byHash.set(chunk.hash, chunk);
    const cached = store.cachedHashes([...byHash.keys()], embedder.id);
    const missing = [...byHash.values()].filter((chunk) => !cached.has(chunk.hash));
    const fresh = new Map<string, Float32Array>();
    if (missing.length) {
      const vectors = await embedder.embed(missing.map((chunk) => embeddingInput({ path: '', symbol: chunk.symbol, text: chunk.text })));
      missing.forEach((chunk, i) => {
        fresh.set(chunk.hash, vectors[i]!);
      });
    }

    const upserts: VectorRecord[] = [];
    for (const entry of prepared) {
      this.ports.transaction(() => {
        if (entry.kind === 'delete') {
          this.pendingRemovals.push(...store.deleteFile(entry.path));
          state.stats.filesDeleted++;
        } else if (entry.kind === 'skip') {
          this.pendingRemovals.push(...store.markSkipped(entry.path, entry.sha, entry.reason));
          state.stats.filesSkipped++;
        } else {
          const before = new Map<string, number>();
          for (const hash of store.chunkHashesOf(entry.path)) before.set(hash, (before.get(hash) ?? 0) + 1);
          for (const chunk of entry.chunks) {
            const left = before.get(chunk.hash) ?? 0;
            if (left > 0) before.set(chunk.hash, left - 1);
            else state.stats.chunksChanged++;
            const vector = fresh.get(chunk.hash);
            if (vector) {
              store.putEmbedding(chunk.hash, embedder.id, vector);
              fresh.delete(chunk.hash);
              state.stats.chunksEmbedded++;
            } else {
              state.stats.chunksCached++;
            }
          }
          const { written: ids, removed } = store.writeFile(entry.path, entry.sha, entry.language, entry.chunks, entry.redactions, entry.dropped, entry.summary);
          this.pendingRemovals.push(...removed);
          if (this.ports.vectors.kind !== 'embedded') {
            const vectors = store.vectorsFor(ids, embedder.id);
            entry.chunks.forEach((chunk, i) => {
              const id = ids[i]!;
              const vector = vectors.get(id);
              if (vector) upserts.push({ id, vector, path: entry.path, language: chunk.language, startLine: chunk.startLine, endLine: chunk.endLine });
            });
          }
          state.stats.filesIndexed++;
          state.stats.chunksWritten += entry.chunks.length;
          state.stats.redactions += entry.redactions.length;
        }
        state.cursor = entry.seq;
        store.saveRunState(state);
      });
    }
    await this.flushRemovals();
    if (upserts.length) await this.ports.vectors.upsert(upserts);
    if (failure) throw failure;
    state.stats.batches++;
    return items.length < state.spec.limits.batchFiles && store.workRemaining(state.cursor) === 0;
  }
}
