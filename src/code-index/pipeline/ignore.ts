/**
 * A small gitignore matcher for `.hezlepignore`: comments, blank lines, `!` negation,
 * anchored (`/x`, `a/b`) and floating patterns, `*`, `?`, `**`, character classes,
 * and directory-only patterns (`dir/`). The last matching rule wins, as in git.
 */
interface Rule {
  negate: boolean;
  directoryOnly: boolean;
  regex: RegExp;
}

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        const atSegmentStart = i === 0 || glob[i - 1] === '/';
        const atSegmentEnd = i + 2 === glob.length || glob[i + 2] === '/';
        if (atSegmentStart && atSegmentEnd) {
          // `**/` matches zero or more directories; a trailing `**` matches everything below.
          if (glob[i + 2] === '/') {
            out += '(?:.*/)?';
            i += 2;
          } else {
            out += '.*';
            i += 1;
          }
          continue;
        }
        i += 1;
      }
      out += '[^/]*';
    } else if (ch === '?') {
      out += '[^/]';
    } else if (ch === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close === -1) {
        out += '\\[';
      } else {
        let cls = glob.slice(i + 1, close).replace(/\\/g, '\\\\');
        if (cls.startsWith('!')) cls = `^${cls.slice(1)}`;
        out += `[${cls}]`;
        i = close;
      }
    } else if (ch === '\\' && i + 1 < glob.length) {
      out += glob[i + 1]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      i += 1;
    } else {
      out += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return out;
}

function parseRule(line: string): Rule | null {
  let text = line.replace(/(?<!\\)\s+$/, '');
  if (!text || text.startsWith('#')) return null;
  let negate = false;
  if (text.startsWith('!')) {
    negate = true;
    text = text.slice(1);
  } else if (text.startsWith('\\!') || text.startsWith('\\#')) {
    text = text.slice(1);
  }
  let directoryOnly = false;
  if (text.endsWith('/')) {
    directoryOnly = true;
    text = text.slice(0, -1);
  }
  if (!text) return null;
  const anchored = text.includes('/');
  if (text.startsWith('/')) text = text.slice(1);
  const body = globToRegex(text);
  // A match on a directory covers everything inside it.
  const regex = new RegExp(`^${anchored ? '' : '(?:.*/)?'}${body}(/.*)?$`);
  return { negate, directoryOnly, regex };
}

export class IgnoreRules {
  private readonly rules: Rule[];

  constructor(source: string) {
    this.rules = source
      .split(/\r?\n/)
      .map(parseRule)
      .filter((rule): rule is Rule => rule !== null);
  }

  get size(): number {
    return this.rules.length;
  }

  /** Whether the file at `path` (repository-relative, `/`-separated) is ignored. */
  ignores(path: string): boolean {
    let ignored = false;
    for (const rule of this.rules) {
      const match = rule.regex.exec(path);
      if (!match) continue;
      // A directory-only rule matches a file only through one of its parent directories.
      if (rule.directoryOnly && match[1] === undefined) continue;
      ignored = !rule.negate;
    }
    return ignored;
  }
}
