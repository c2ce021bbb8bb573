import WebSocket from 'ws';

export interface HeapUsage {
  /** Bytes of live JavaScript objects in the isolate (V8's used heap). */
  usedBytes: number;
  /** Bytes V8 has reserved for the heap. */
  totalBytes: number;
  /**
   * Bytes of ArrayBuffer backing stores (typed arrays: vectors, the int8 sketch, request bodies), which
   * live outside the JavaScript heap but count against the isolate's memory; null when V8 does not say.
   */
  backingBytes: number | null;
}

/**
 * The V8 heap of the Worker's isolate (the Worker and its Durable Objects share it under
 * workerd), read through wrangler's inspector proxy with the DevTools protocol's
 * `Runtime.getHeapUsage`. RSS counts SQLite's page cache, the runtime and freed pages kept by the
 * allocator; this is what the 128 MB limit of a deployed object is about.
 */
export class IsolateHeap {
  private nextId = 1;
  private readonly pending = new Map<number, (result: unknown) => void>();
  /** Keep the runtime's Network events off (quietNetwork), also after the proxy reconnects to a new runtime. */
  private quiet = false;
  private disabling = false;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id?: number; method?: string; result?: unknown; error?: unknown };
      // A Network event means the proxy (re)connected to a runtime (workerd restarted, a reload) and enabled them again.
      if (message.method?.startsWith('Network.') && this.quiet && !this.disabling) {
        this.disabling = true;
        void this.call('Network.disable')
          .catch(() => undefined)
          .finally(() => {
            this.disabling = false;
          });
      }
      if (message.id === undefined) return;
      const done = this.pending.get(message.id);
      this.pending.delete(message.id);
      done?.(message.error ? { error: message.error } : message.result);
    });
  }

  /** Connects to the first target the inspector at `port` lists (the user Worker). */
  static async connect(port: number): Promise<IsolateHeap> {
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
      webSocketDebuggerUrl: string;
    }[];
    const url = targets[0]?.webSocketDebuggerUrl;
    if (!url) throw new Error(`no inspector target on port ${port}`);
    const socket = new WebSocket(url.replace('localhost', '127.0.0.1'));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new IsolateHeap(socket);
  }

  /** One DevTools call; refused after `timeoutMs` (before the Worker's first request, a collection never answers). */
  private call(method: string, params: Record<string, unknown> = {}, timeoutMs = 10_000): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, (result) => {
        clearTimeout(timer);
        if (result && typeof result === 'object' && 'error' in result)
          reject(new Error(`${method}: ${JSON.stringify(result.error)}`));
        else resolve(result);
      });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /**
   * Stops the runtime's `Network.*` events. wrangler's inspector proxy enables them on its own session
   * with the runtime, then buffers every event while no DevTools client is attached and posts each one
   * to its Node controller as a debug log: one blob fetch by the Worker cost the proxy's workerd a few
   * loopback requests, and an index run of 50,000 files ran it out of descriptors ("Too many open files").
   * Sent again whenever a Network event arrives (the proxy enables them on every new runtime connection).
   */
  async quietNetwork(): Promise<void> {
    this.quiet = true;
    await this.call('Network.disable');
  }

  async usage(): Promise<HeapUsage> {
    const result = (await this.call('Runtime.getHeapUsage')) as {
      usedSize: number;
      totalSize: number;
      backingStorageSize?: number;
    };
    return {
      usedBytes: result.usedSize,
      totalBytes: result.totalSize,
      backingBytes: result.backingStorageSize ?? null,
    };
  }

  /**
   * A full garbage collection, then the usage: what stays live between requests. workerd runs the
   * collection only when the isolate has work, so `wake` (a cheap request to the Worker) is sent
   * every half second until it is done.
   */
  async usageAfterGc(wake: () => Promise<unknown>): Promise<HeapUsage> {
    let done = false;
    const collected = this.call('HeapProfiler.collectGarbage', {}, 60_000).finally(() => {
      done = true;
    });
    while (!done) {
      await Promise.race([collected, Promise.all([wake(), new Promise((r) => setTimeout(r, 500))])]);
    }
    await collected;
    return this.usage();
  }

  close(): void {
    this.socket.close();
  }
}

/** How often HeapSampler reads the heap. */
export const SAMPLE_MS = 200;

export interface HeapPeak extends HeapUsage {
  /** The largest heap used + array buffers of one sample (null when V8 does not report the buffers). */
  combinedBytes: number | null;
  samples: number;
  /** `phase` when the used heap peaked. */
  phase: string;
}

const NO_PEAK: HeapPeak = {
  usedBytes: 0,
  totalBytes: 0,
  backingBytes: null,
  combinedBytes: null,
  samples: 0,
  phase: '',
};
const maxOrNull = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

/** The highest isolate heap seen since the last `takePeak`, read every SAMPLE_MS (one request in flight at a time). */
export class HeapSampler {
  private peak: HeapPeak = { ...NO_PEAK };
  /** What the Worker is doing as the caller last saw it (e.g. the run's phase): named with the peak. */
  phase = '';
  private readonly timer: ReturnType<typeof setInterval>;
  private busy = false;

  constructor(heap: IsolateHeap) {
    this.timer = setInterval(() => {
      if (this.busy) return;
      this.busy = true;
      heap
        .usage()
        .then((usage) => {
          const peak = this.peak;
          this.peak = {
            usedBytes: Math.max(peak.usedBytes, usage.usedBytes),
            totalBytes: Math.max(peak.totalBytes, usage.totalBytes),
            backingBytes: maxOrNull(peak.backingBytes, usage.backingBytes),
            combinedBytes: maxOrNull(
              peak.combinedBytes,
              usage.backingBytes === null ? null : usage.usedBytes + usage.backingBytes,
            ),
            samples: peak.samples + 1,
            phase: usage.usedBytes > peak.usedBytes ? this.phase : peak.phase,
          };
        })
        .catch(() => undefined)
        .finally(() => {
          this.busy = false;
        });
    }, SAMPLE_MS);
  }

  takePeak(): HeapPeak {
    const peak = this.peak;
    this.peak = { ...NO_PEAK };
    return peak;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
