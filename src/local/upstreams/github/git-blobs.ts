import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/**
 * Blob contents from one long-lived `git cat-file --batch` per repository: requests are
 * answered in order from one pipe, without a process per blob and without blocking the
 * stand-in's event loop (a large repository is read tens of thousands of times in a run).
 */
export class BlobReader {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly waiting: { resolve(content: Buffer | null): void; reject(error: Error): void }[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private failed: Error | null = null;

  constructor(dir: string) {
    this.proc = spawn('git', ['-C', dir, 'cat-file', '--batch'], {
      env: { ...process.env, GIT_NO_LAZY_FETCH: '1' },
    });
    this.proc.stdout.on('data', (data: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, data]) : data;
      this.drain();
    });
    const fail = (error: Error) => {
      this.failed = error;
      for (const waiter of this.waiting.splice(0)) waiter.reject(error);
    };
    this.proc.on('error', fail);
    this.proc.on('exit', () => fail(new Error('git cat-file exited')));
    this.proc.stdin.on('error', fail);
  }

  /** The blob's bytes, or null when the object is missing (or not a blob). */
  read(sha: string): Promise<Buffer | null> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.proc.stdin.write(`${sha}\n`);
    });
  }

  /** Answer waiters in order while whole answers (header, content, newline) are buffered. */
  private drain(): void {
    while (this.waiting.length) {
      const eol = this.buffer.indexOf(10);
      if (eol < 0) return;
      const header = this.buffer.subarray(0, eol).toString('utf8').split(' ');
      if (header[1] === 'missing' || header[1] === 'ambiguous') {
        this.buffer = this.buffer.subarray(eol + 1);
        this.waiting.shift()!.resolve(null);
        continue;
      }
      const size = Number(header[2]);
      if (this.buffer.length < eol + 1 + size + 1) return;
      const content = Buffer.from(this.buffer.subarray(eol + 1, eol + 1 + size));
      this.buffer = this.buffer.subarray(eol + 1 + size + 1);
      this.waiting.shift()!.resolve(header[1] === 'blob' ? content : null);
    }
  }

  close(): void {
    this.proc.stdin.end();
    this.proc.kill();
  }
}

/** One reader per repository directory, started on first use. */
export class BlobReaders {
  private readonly readers = new Map<string, BlobReader>();

  for(dir: string): BlobReader {
    let reader = this.readers.get(dir);
    if (!reader) this.readers.set(dir, (reader = new BlobReader(dir)));
    return reader;
  }

  closeAll(): void {
    for (const reader of this.readers.values()) reader.close();
    this.readers.clear();
  }
}
