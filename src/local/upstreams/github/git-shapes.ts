import { git, gitOk, missingObjects, resolveRef } from './git-cli';
import { lineCounts } from './numstat';
import { GitObjectReader, parseCommit } from './git-objects';

/**
 * GitHub's REST shapes built from a git repository on disk. Anything keyed by an object id
 * never changes, so it is computed once per repository and id and shared by concurrent requests
 * (the promise is cached, not only its value): commits, trees, a commit's size and languages.
 */
export class GitShapes {
  private readonly memo = new Map<string, Promise<unknown>>();
  /** Blob and commit reads, through one `cat-file --batch` process. */
  readonly objects: GitObjectReader;

  constructor(
    readonly dir: string,
    readonly fullName: string,
  ) {
    this.objects = new GitObjectReader(dir);
  }

  private once<T>(key: string, compute: () => Promise<T>): Promise<T> {
    let found = this.memo.get(key) as Promise<T> | undefined;
    if (!found) {
      found = compute();
      this.memo.set(key, found);
      found.catch(() => this.memo.delete(key));
    }
    return found;
  }

  private fieldsOf(sha: string) {
    return this.once(`commit:${sha}`, async () => {
      const object = await this.objects.read(sha);
      if (object?.type !== 'commit') throw new Error(`${sha} is not a commit of ${this.fullName}`);
      return parseCommit(object.content);
    });
  }

  async commit(api: string, sha: string) {
    const { tree, parents, author, message } = await this.fieldsOf(sha);
    const fullName = this.fullName;
    return {
      sha,
      node_id: `C_${sha.slice(0, 12)}`,
      url: `${api}/repos/${fullName}/commits/${sha}`,
      html_url: `${api}/${fullName}/commit/${sha}`,
      commit: {
        author,
        committer: author,
        message,
        tree: { sha: tree, url: `${api}/repos/${fullName}/git/trees/${tree}` },
        url: `${api}/repos/${fullName}/git/commits/${sha}`,
      },
      parents: parents.map((p) => ({ sha: p, url: `${api}/repos/${fullName}/commits/${p}` })),
    };
  }

  /**
   * GET /repos/{o}/{r}/commits/{sha}: the commit with the files it changed against its first parent
   * (GitHub's answer for a merge too), at most 300 of them (GitHub's first page), and their stats.
   */
  async commitWithFiles(api: string, sha: string) {
    const [commit, files] = await Promise.all([this.commit(api, sha), this.changedFiles(sha)]);
    const additions = files.reduce((sum, file) => sum + file.additions, 0);
    const deletions = files.reduce((sum, file) => sum + file.deletions, 0);
    return { ...commit, stats: { total: additions + deletions, additions, deletions }, files };
  }

  private changedFiles(sha: string) {
    return this.once(`files:${sha}`, async () => {
      const { parents } = await this.fieldsOf(sha);
      const range = parents.length ? [parents[0]!, sha] : ['--root', sha];
      const diff = (...options: string[]) =>
        git(this.dir, ['diff-tree', '-r', '--no-commit-id', '--raw', ...options, '-z', ...range]);
      // One git process for both the statuses and the line counts (a history walk asks thousands).
      // Line counts and inexact renames need the blobs' contents, which a partial snapshot may lack:
      // then the statuses alone (line counts 0), as GitHub would still list the files.
      const out = await diff('-M', '--numstat').catch(() => diff('-M').catch(() => diff()));
      return changedFilesOf(out).slice(0, 300);
    });
  }

  /** The commit `ref` names: an id already read needs no git process; anything else is resolved. */
  async commitId(ref: string): Promise<string | null> {
    if (/^[0-9a-f]{40}$/.test(ref) && this.memo.has(`commit:${ref}`)) return ref;
    return resolveRef(this.dir, ref);
  }

  commits(api: string, shas: string[]) {
    return Promise.all(shas.map((sha) => this.commit(api, sha)));
  }

  /** `ls-tree -l` lines of a commit or tree, leaving out objects a partial snapshot lacks (as GitHub would). */
  private treeLines(sha: string, recursive: boolean): Promise<string[]> {
    return this.once(`tree:${sha}:${recursive}`, async () => {
      const listing = await git(this.dir, ['ls-tree', '-l', ...(recursive ? ['-r', '-t'] : []), sha]);
      const lines = listing.split('\n').filter(Boolean);
      const missing = await missingObjects(
        this.dir,
        lines.map((line) => line.split(/\s+/)[2]!),
      );
      return lines.filter((line) => !missing.has(line.split(/\s+/)[2]!));
    });
  }

  /** A git tree in GitHub's shape; `sha` must be an object id (resolve refs first). */
  async tree(api: string, sha: string, recursive: boolean) {
    const tree = (await this.treeLines(sha, recursive)).map((line) => {
      const [meta, path] = line.split('\t');
      const [mode, type, object, size] = meta!.split(/\s+/);
      return {
        path,
        mode,
        type,
        sha: object,
        ...(type === 'blob' ? { size: Number(size) } : {}),
        url: `${api}/repos/${this.fullName}/git/${type}s/${object}`,
      };
    });
    return { sha, url: `${api}/repos/${this.fullName}/git/trees/${sha}`, tree, truncated: false };
  }

  /** Blob entries of a commit: path, blob sha and size. */
  async files(commit: string): Promise<{ path: string; sha: string; size: number }[]> {
    return (await this.treeLines(commit, true)).flatMap((line) => {
      const [meta, path] = line.split('\t');
      const [, type, sha, size] = meta!.split(/\s+/);
      return type === 'blob' ? [{ path: path!, sha: sha!, size: Number(size) || 0 }] : [];
    });
  }

  /** Bytes per language at a commit, by file extension, as GitHub's languages route reports them. */
  async languages(commit: string): Promise<Record<string, number>> {
    const bytes: Record<string, number> = {};
    for (const file of await this.files(commit)) {
      const language = LANGUAGES[file.path.split('.').pop() ?? ''];
      if (language) bytes[language] = (bytes[language] ?? 0) + file.size;
    }
    return bytes;
  }

  async size(commit: string): Promise<number> {
    return (await this.files(commit)).reduce((sum, file) => sum + file.size, 0);
  }

  /** GitHub's compare answer for two commits. */
  async compare(api: string, base: string, head: string) {
    let status = 'diverged';
    if (base === head) status = 'identical';
    else if (await gitOk(this.dir, ['merge-base', '--is-ancestor', base, head])) status = 'ahead';
    else if (await gitOk(this.dir, ['merge-base', '--is-ancestor', head, base])) status = 'behind';
    const [headFiles, diff, numstat, ahead, behind] = await Promise.all([
      this.files(head),
      git(this.dir, ['diff', '--name-status', '-M', base, head]),
      git(this.dir, ['diff', '--numstat', '-z', '-M', base, head]),
      git(this.dir, ['rev-list', '--reverse', `${base}..${head}`]),
      git(this.dir, ['rev-list', '--count', `${head}..${base}`]),
    ]);
    const headBlobs = new Map(headFiles.map((file) => [file.path, file.sha]));
    const lines = lineCounts(numstat);
    const files = diff
      .split('\n')
      .filter(Boolean)
      .slice(0, 300)
      .map((line) => {
        const fields = line.split('\t');
        const code = fields[0]!.charAt(0);
        const path = code === 'R' || code === 'C' ? fields[2]! : fields[1]!;
        return {
          sha: code === 'D' ? null : (headBlobs.get(path) ?? null),
          filename: path,
          status: STATUS[code] ?? 'modified',
          ...(code === 'R' || code === 'C' ? { previous_filename: fields[1] } : {}),
          additions: lines.get(path)?.additions ?? 0,
          deletions: lines.get(path)?.deletions ?? 0,
          changes: (lines.get(path)?.additions ?? 0) + (lines.get(path)?.deletions ?? 0),
        };
      });
    const commits = ahead.split('\n').filter(Boolean);
    const [baseCommit, listed] = await Promise.all([this.commit(api, base), this.commits(api, commits.slice(0, 250))]);
    return {
      status,
      ahead_by: commits.length,
      behind_by: Number(behind.trim()) || 0,
      total_commits: commits.length,
      base_commit: baseCommit,
      merge_base_commit: baseCommit,
      commits: listed,
      files,
    };
  }
}

/** `diff-tree --raw --numstat -z` output as GitHub's per-commit `files`: raw records first, then line counts. */
function changedFilesOf(out: string) {
  const fields = out.split('\0');
  const files: { sha: string | null; filename: string; status: string; previous_filename?: string }[] = [];
  const lines = new Map<string, { additions: number; deletions: number }>();
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    if (field.startsWith(':')) {
      const meta = field.split(' ');
      const code = meta[4]!.charAt(0);
      const renamed = code === 'R' || code === 'C';
      const previous = renamed ? fields[++i]! : undefined;
      const path = fields[++i]!;
      files.push({
        sha: code === 'D' ? null : meta[3]!,
        filename: path,
        status: STATUS[code] ?? 'modified',
        ...(previous !== undefined ? { previous_filename: previous } : {}),
      });
      continue;
    }
    const counts = /^(\d+|-)\t(\d+|-)\t(.*)$/s.exec(field);
    if (!counts) continue;
    const path = counts[3] ? counts[3] : fields[(i += 2)]!;
    lines.set(path, { additions: Number(counts[1]) || 0, deletions: Number(counts[2]) || 0 });
  }
  return files.map((file) => {
    const counts = lines.get(file.filename) ?? { additions: 0, deletions: 0 };
    return { ...file, ...counts, changes: counts.additions + counts.deletions };
  });
}

const LANGUAGES: Record<string, string> = {
  ts: 'TypeScript',
  tsx: 'TypeScript',
  js: 'JavaScript',
  mjs: 'JavaScript',
  cjs: 'JavaScript',
  css: 'CSS',
  html: 'HTML',
  sh: 'Shell',
  py: 'Python',
  go: 'Go',
  sql: 'SQL',
};

const STATUS: Record<string, string> = {
  A: 'added',
  M: 'modified',
  D: 'removed',
  R: 'renamed',
  C: 'copied',
  T: 'changed',
};
