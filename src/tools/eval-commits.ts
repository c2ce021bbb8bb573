import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { argument } from './code-index-harness';
import { checkOptions } from './cli-options';
import { deriveCommitQueries } from './eval/commit-queries';

/**
 * `npm run eval:commits -- --repo <git checkout> --out <file.json> [--commit <rev>] [--max 150]`:
 * a query set from the repository's own history (commit subjects of 4+ words, plain or conventional;
 * releases, version and dependency bumps, typos, CI and chores left out: see `questionFromSubject`;
 * relevant = the 1-3 code files each commit changed that exist at the evaluated commit).
 */
export async function run(): Promise<void> {
  checkOptions({
    usage: 'npm run eval:commits -- --repo <git checkout> [--out <file.json>] [--commit <rev>] [--max 150]',
    values: ['repo', 'out', 'commit', 'max'],
    numbers: ['max'],
  });
  const repo = resolve(argument('repo') ?? '.');
  const out = argument('out');
  const queries = await deriveCommitQueries(repo, {
    commit: argument('commit') ?? 'HEAD',
    maxQueries: Number(argument('max') ?? 150),
  });
  const text = `${JSON.stringify({ repo, commit: argument('commit') ?? 'HEAD', queries }, null, 2)}\n`;
  if (out) writeFileSync(out, text);
  else process.stdout.write(text);
  console.error(`${queries.length} queries from ${repo}${out ? ` → ${out}` : ''}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
