import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { startWorkerService } from '../../local/worker-service';

/*
 * Fan-out of the event hub on loopback: N listeners hold the WebSocket, a writer
 * changes the shared context K times (the real path: auth, audit in Postgres,
 * context store, hub publish, fan-out), and every listener timestamps each receipt.
 *   end-to-end: from just before the writer's request to receipt by a listener
 *   hub: from the hub stamping the event (`at`, ms precision) to receipt
 *   deliveries/s: events x listeners / (first request -> last receipt); the write
 *   rate is bounded by the audited write path (Postgres), not by the hub
 */

const LISTENER_COUNTS = [1, 200];
/** A lone writer shows latency without queueing; concurrent writers show throughput. */
const PHASES = [
  { writes: 30, writers: 1 },
  { writes: 100, writers: 8 },
];
const OPEN_BATCH = 50;
const WRITER_KEY = `bench-writer-${crypto.randomUUID()}`;
const LISTENER_KEY = `bench-listener-${crypto.randomUUID()}`;

interface Receipt {
  notes: string;
  at: number;
  receivedAt: number;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function openListener(url: string, receipts: Receipt[]): Promise<WebSocket> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ai/events?topics=context`, {
    headers: { 'x-api-key': LISTENER_KEY },
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('message', () => resolve()); // the hello
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`listener refused: ${res.statusCode}`)));
  });
  ws.on('message', (data) => {
    const receivedAt = Date.now();
    const message = JSON.parse(data.toString()) as {
      kind: string;
      at: string;
      data?: { context?: { notes?: string } };
    };
    if (message.kind === 'event')
      receipts.push({ notes: message.data?.context?.notes ?? '', at: Date.parse(message.at), receivedAt });
  });
  return ws;
}

async function runOnce(url: string, listeners: number, writes: number, writers: number): Promise<string> {
  const receipts: Receipt[] = [];
  const sockets: WebSocket[] = [];
  for (let i = 0; i < listeners; i += OPEN_BATCH) {
    const batch = Math.min(OPEN_BATCH, listeners - i);
    sockets.push(...(await Promise.all(Array.from({ length: batch }, () => openListener(url, receipts)))));
  }
  // Writers run concurrently (they still serialise on the audit chain lock), as several clients would.
  const sentAt = new Map<string, number>();
  const started = Date.now();
  let next = 0;
  const writer = async () => {
    while (next < writes) {
      const n = next++;
      const notes = `bench ${listeners}/${n}`;
      sentAt.set(notes, Date.now());
      const response = await fetch(`${url}/ai/context`, {
        method: 'PATCH',
        headers: { 'x-api-key': WRITER_KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ notes }),
      });
      if (!response.ok) throw new Error(`write failed: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: writers }, writer));
  const expected = listeners * writes;
  const deadline = Date.now() + 60_000;
  while (receipts.length < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  const finished = Math.max(...receipts.map((r) => r.receivedAt));
  for (const ws of sockets) ws.terminate();

  const endToEnd = receipts.map((r) => r.receivedAt - sentAt.get(r.notes)!).sort((a, b) => a - b);
  const hub = receipts.map((r) => r.receivedAt - r.at).sort((a, b) => a - b);
  const seconds = (finished - started) / 1000;
  return [
    `${String(listeners).padStart(5)} listeners, ${writes} writes by ${writers} writer${writers > 1 ? 's' : ''}`,
    `${receipts.length}/${expected} delivered`,
    `end-to-end p50 ${percentile(endToEnd, 50)} ms p99 ${percentile(endToEnd, 99)} ms`,
    `hub->listener p50 ${percentile(hub, 50)} ms p99 ${percentile(hub, 99)} ms`,
    `${Math.round(receipts.length / seconds)} deliveries/s (${(writes / seconds).toFixed(1)} writes/s)`,
  ].join(' | ');
}

export async function run(): Promise<void> {
  const service = await startWorkerService({
    vars: {
      HEZLEP_API_KEYS: JSON.stringify([
        { client: 'gpt', key: WRITER_KEY },
        { client: 'human', person: 'bench', key: LISTENER_KEY },
      ]),
      LOG_LEVEL: 'error',
      PROJECT_ID: 'bench-events',
    },
  });
  try {
    console.log('event fan-out on loopback (wrangler local runtime; each write is an audited PATCH /ai/context)');
    for (const listeners of LISTENER_COUNTS) {
      for (const { writes, writers } of PHASES) console.log(await runOnce(service.url, listeners, writes, writers));
    }
  } finally {
    await service.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  run().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
