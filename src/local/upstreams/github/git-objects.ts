import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface GitObject {
  type: string;
  content: Buffer;
}

interface Pending {
  resolve(object: GitObject | null): void;
  reject(error: Error): void;
}

/**
 * One long-lived `git cat-file --batch` per repository: an object read is a line written to its
 * stdin, not a process started, so an index run's hundreds of blob reads and a commit list's
 * commits cost microseconds each. Answers come back in the order asked.
 */
export class GitObjectReader {
  private child: ChildProcessWithoutNullStreams | null = null;
  private pending: Pending[] = [];
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly dir: string) {}

  read(sha: string): Promise<GitObject | null> {
    if (!/^[0-9a-f]{40}$/.test(sha)) return Promise.resolve(null);
    const child = this.start();
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      child.stdin.write(`${sha}\n`);
    });
  }

  close(): void {
    this.child?.kill();
    this.child = null;
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn('git', ['-C', this.dir, 'cat-file', '--batch'], {
      env: { ...process.env, GIT_NO_LAZY_FETCH: '1' },
    });
    child.stdout.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      this.drain();
    });
    child.stdin.on('error', () => undefined);
    // An idle reader never keeps the process alive; it exits when its stdin closes.
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as { unref?: () => void }).unref?.();
    const fail = (error: Error) => {
      if (this.child === child) this.child = null;
      this.buffer = Buffer.alloc(0);
      for (const waiting of this.pending.splice(0)) waiting.reject(error);
    };
    child.on('error', fail);
    child.on('close', (code) => fail(new Error(`git cat-file --batch exited ${code}`)));
    this.child = child;
    return child;
  }

  /** Hand out every complete answer in the buffer: `<sha> <type> <size>\n<content>\n` or `<sha> missing\n`. */
  private drain(): void {
    for (;;) {
      const newline = this.buffer.indexOf(10);
      if (newline < 0) return;
      const header = this.buffer.subarray(0, newline).toString('utf8').split(' ');
      if (header[1] === 'missing' || header.length < 3) {
        this.buffer = this.buffer.subarray(newline + 1);
        this.pending.shift()?.resolve(null);
        continue;
      }
      const size = Number(header[2]);
      const end = newline + 1 + size;
      if (this.buffer.length < end + 1) return;
      const content = Buffer.from(this.buffer.subarray(newline + 1, end));
      this.buffer = this.buffer.subarray(end + 1);
      this.pending.shift()?.resolve({ type: header[1]!, content });
    }
  }
}

/** A raw commit object's fields, with dates as GitHub writes them (ISO 8601 with the author's offset). */
export function parseCommit(content: Buffer) {
  const text = content.toString('utf8');
  const split = text.indexOf('\n\n');
  const head = split < 0 ? text : text.slice(0, split);
  const message = split < 0 ? '' : text.slice(split + 2);
  let tree = '';
  const parents: string[] = [];
  let author = { name: '', email: '', date: '' };
  for (const line of head.split('\n')) {
    if (line.startsWith('tree ')) tree = line.slice(5);
    else if (line.startsWith('parent ')) parents.push(line.slice(7));
    else if (line.startsWith('author ')) {
      const m = /^author (.*) <([^>]*)> (\d+) ([+-]\d{4})$/.exec(line);
      if (m) author = { name: m[1]!, email: m[2]!, date: isoWithOffset(Number(m[3]), m[4]!) };
    }
  }
  return { tree, parents, author, message: message.trimEnd() };
}

function isoWithOffset(seconds: number, offset: string): string {
  const sign = offset.startsWith('-') ? -1 : 1;
  const minutes = sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(3, 5)));
  const local = new Date((seconds + minutes * 60) * 1000).toISOString().slice(0, 19);
  return `${local}${offset.slice(0, 3)}:${offset.slice(3)}`;
}
