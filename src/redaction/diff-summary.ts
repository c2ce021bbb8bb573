/** A diff as the gpt client may see it: which files changed, where (hunk ranges) and by how much, no lines of code. */
export interface DiffSummary {
  files: { path: string; added: number; removed: number; hunks: string[] }[];
  /** True when files or hunks were left out to stay small. */
  truncated: boolean;
}

const MAX_FILES = 50;
const MAX_HUNKS = 20;
const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/**
 * Summarise a unified diff: per file its path, +/- counts and hunk headers. A hunk header keeps its line
 * ranges only (`@@ -10,4 +10,6 @@`): the function context Git prints after it is a line of code.
 */
export function summarizeDiff(diff: string): DiffSummary {
  const files: DiffSummary['files'] = [];
  let truncated = false;
  let current: DiffSummary['files'][number] | undefined;
  const open = (path: string) => {
    if (current && current.path === path) return;
    if (files.length >= MAX_FILES) {
      truncated = true;
      current = undefined;
      return;
    }
    current = { path: path.slice(0, 300), added: 0, removed: 0, hunks: [] };
    files.push(current);
  };
  for (const line of diff.split('\n')) {
    const git = /^diff --git a\/(.+?) b\/(.+)$/.exec(line);
    if (git) {
      open(git[2]!);
      continue;
    }
    if (line.startsWith('+++ ')) {
      const path = line.slice(4).replace(/^b\//, '').trim();
      if (path !== '/dev/null') open(path);
      continue;
    }
    if (line.startsWith('--- ')) {
      if (!current) open(line.slice(4).replace(/^a\//, '').trim());
      continue;
    }
    if (!current && (line.startsWith('@@') || line.startsWith('+') || line.startsWith('-'))) open('(unnamed)');
    if (!current) continue;
    const hunk = HUNK.exec(line);
    if (hunk) {
      if (current.hunks.length < MAX_HUNKS) current.hunks.push(hunk[0]);
      else truncated = true;
    } else if (line.startsWith('+')) current.added++;
    else if (line.startsWith('-')) current.removed++;
  }
  return { files, truncated };
}
