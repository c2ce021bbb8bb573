/**
 * Lines added and deleted per file from `git diff --numstat -z` (by the new path): a rename is
 * `adds\tdels\t` followed by the old and the new path; a binary file counts `-`, read as 0.
 */
export function lineCounts(numstat: string): Map<string, { additions: number; deletions: number }> {
  const counts = new Map<string, { additions: number; deletions: number }>();
  const fields = numstat.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const m = /^(\d+|-)\t(\d+|-)\t(.*)$/s.exec(fields[i]!);
    if (!m) continue;
    const path = m[3] ? m[3] : fields[(i += 2)]!;
    counts.set(path, { additions: Number(m[1]) || 0, deletions: Number(m[2]) || 0 });
  }
  return counts;
}
