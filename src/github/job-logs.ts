import { mapGitHubFailure } from './errors';
import { tailOfLog, type LogTail } from './log-tail';
import { repoPath, type RepoRef } from './rest-types';
import type { GitHubTransport } from './transport';

const LOG_TAIL_BYTES = 256 * 1024;
const LOG_MAX_BYTES = 64 * 1024 * 1024;

/**
 * The last lines of a job's log. GitHub answers with a redirect to short-lived storage;
 * the redirect is followed by hand so the token is never sent to that other host, and
 * the log is streamed, keeping only its tail in memory.
 */
export async function jobLogTail(
  transport: GitHubTransport,
  repo: RepoRef,
  jobId: number,
  maxLines: number,
): Promise<LogTail> {
  const subject = `log of job ${jobId} in ${repo.full}`;
  transport.stats.requests++;
  let response: { status: number; headers: Record<string, string | number | undefined>; data: unknown };
  try {
    response = (await transport.octokit.request('GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs', {
      ...repoPath(repo),
      job_id: jobId,
      request: { redirect: 'manual', parseSuccessResponseBody: false, signal: transport.deadline() },
    })) as typeof response;
  } catch (error) {
    throw mapGitHubFailure(transport.failureOf(error), subject);
  }
  transport.noteRateLimit(response.headers);
  const location = response.headers.location;
  let body = response.data as ReadableStream<Uint8Array> | null;
  if (response.status >= 300 && response.status < 400 && typeof location === 'string') {
    await body?.cancel().catch(() => undefined);
    let blob: Response;
    try {
      blob = await (transport.options.fetch ?? fetch)(location, { signal: transport.deadline() });
    } catch (error) {
      throw mapGitHubFailure({ status: null, headers: {}, message: String(error) }, subject);
    }
    if (!blob.ok) {
      await blob.body?.cancel().catch(() => undefined);
      throw mapGitHubFailure(
        { status: blob.status, headers: {}, message: `log storage answered ${blob.status}` },
        subject,
      );
    }
    body = blob.body;
  }
  if (!body) return { lines: [], truncated: false };
  return tailOfLog(await readTail(body, LOG_TAIL_BYTES, LOG_MAX_BYTES), maxLines);
}

/** Read a stream to its end keeping only the last `keepBytes`; stop reading after `maxBytes`. */
async function readTail(
  stream: ReadableStream<Uint8Array>,
  keepBytes: number,
  maxBytes: number,
): Promise<{ text: string; cut: boolean }> {
  const reader = stream.getReader();
  let chunks: Uint8Array[] = [];
  let kept = 0;
  let total = 0;
  let cut = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    kept += value.byteLength;
    total += value.byteLength;
    while (kept - (chunks[0]?.byteLength ?? 0) >= keepBytes && chunks.length > 1) {
      kept -= chunks.shift()!.byteLength;
      cut = true;
    }
    if (total >= maxBytes) {
      await reader.cancel().catch(() => undefined);
      cut = true;
      break;
    }
  }
  const joined = new Uint8Array(kept);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  chunks = [];
  return { text: new TextDecoder().decode(joined), cut };
}
