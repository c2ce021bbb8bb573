import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT, startLocalService } from '../local/service';
import { watchDashboard } from '../dashboard/build';
import { realServicesIn, startDemo, type Demo } from '../local/demo';
import { keyFor } from '../local/dev-keys';
import { statusVars } from '../status/config';

/** The production index path (Workers AI + Vectorize) against the local implementations of both bindings. */
export const PRODUCTION_INDEX_VARS = {
  INDEX_EMBEDDER: 'workers-ai',
  INDEX_VECTOR_STORE: 'vectorize',
  INDEX_LOCAL_BINDINGS: 'true',
};

const HELP = `npm run dev [-- --port 8787] [--no-demo] [--quiet] [--verbose] [--vectorize]

Starts the whole service offline on http://127.0.0.1:<port>: a local Postgres
(a real server when installed, else PGlite) behind the WebSocket bridge, the
migrations, wrangler dev with the embedded adapters for anything that has no
credentials, and the dashboard at / (rebuilt on every change).
Unless .dev.vars configures real services (GITHUB_TOKEN, GITHUB_REPO, INDEX_REPOS,
WP_REST_ENDPOINT, CW_API_KEY, INTENT_POLICY, ...) or --no-demo is given, a demo
project comes up too: a local GitHub serving this repository's history (commits
with checks, a deploy.yml workflow that runs to success), WordPress and Cloudways
stand-ins, a policy with staging and main targets, and a first index run
(docs/walkthrough.md). --quiet hides wrangler's output, --verbose adds the
Postgres server log. --vectorize indexes code on the production path (Workers AI
embeddings into Vectorize) against the local implementations of both bindings.
State lives in .hezlep/ and .hezlep/wrangler/. Ctrl-C stops all.`;

/**
 * Whether something already listens on the port. Checked before anything starts: otherwise wrangler moves on,
 * the readiness check is answered by that other process, and dev prints "is up" with keys for a service it is not.
 */
function portTaken(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? String(error)));
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => probe.close(() => resolve(null)));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8787' },
      quiet: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      vectorize: { type: 'boolean', default: false },
      'no-demo': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port <= 0 || port > 65_535)
    throw new Error(`--port must be a TCP port, not ${values.port}`);
  const taken = await portTaken(port);
  if (taken)
    throw new Error(
      `port ${port} is not free on 127.0.0.1 (${taken}): another process listens there. Stop it, or choose another port: npm run dev -- --port ${port + 1}`,
    );
  const log = (line: string) => console.log(`dev: ${line}`);
  log('building the dashboard (watching src/dashboard for changes)…');
  const dashboard = await watchDashboard(log);
  const stateDir = join(PROJECT_ROOT, '.hezlep');
  const real = realServicesIn(join(PROJECT_ROOT, '.dev.vars'));
  let demo: Demo | undefined;
  if (values['no-demo']) log('no demo project (--no-demo)');
  else if (real.length) log(`no demo project: .dev.vars configures ${real.join(', ')}`);
  else {
    log("starting the demo project: a local GitHub with this repository's history, WordPress and Cloudways stand-ins…");
    demo = await startDemo({ projectRoot: PROJECT_ROOT, stateDir, log });
  }
  const service = await startLocalService({
    port,
    stateDir,
    vars: { ...demo?.vars, ...(values.vectorize ? PRODUCTION_INDEX_VARS : {}) },
    // Cron jobs on demand: GET /__scheduled?cron=<expression> runs the real scheduled handler (docs/walkthrough.md).
    testScheduled: true,
    // The Postgres server's own log is noise unless asked for.
    log: (line) => (values.verbose || !line.startsWith('postgres:')) && console.log(`dev: ${line}`),
    verbose: !values.quiet,
  }).catch(async (error: unknown) => {
    await demo?.stop();
    await dashboard.close();
    throw error;
  });
  if (values.vectorize) log('code index: Workers AI + Vectorize, local implementations (INDEX_LOCAL_BINDINGS=true)');
  console.log(
    `\nHezlep Ops Orchestrator is up: ${service.url}  (dashboard: ${service.url}/, API docs: ${service.url}/docs)`,
  );
  for (const key of service.keys) console.log(`${key.client} key: ${key.key}`);
  console.log('(keys are kept in .hezlep/dev-keys.json; Ctrl-C stops everything)\n');
  if (demo) {
    demo.connect(service.url);
    // The first index run of the demo repository, as the nightly cron would start it.
    const started = await fetch(`${service.url}/ai/github/reindex`, {
      method: 'POST',
      headers: { 'x-api-key': keyFor(service.keys, 'human'), 'content-type': 'application/json' },
      body: '{}',
    });
    log(
      `demo project ${demo.repo}: first index run ${started.ok ? 'started' : `not started (${started.status} ${await started.text()})`}`,
    );
    log('demo walkthrough (GPT proposes a staging deploy, a human approves, it runs): docs/walkthrough.md\n');
  }

  // wrangler dev fires no cron triggers: run the uptime check now and every five minutes (through its
  // /__scheduled route), so the status history and the dashboard's uptime timeline have data.
  const uptimeCron = statusVars.parse({}).uptimeCron;
  const uptimeCheck = () =>
    fetch(`${service.url}/__scheduled?cron=${encodeURIComponent(uptimeCron)}`)
      .then((response) => response.ok || log(`uptime check: wrangler answered ${response.status}`))
      .catch((error: unknown) => log(`uptime check failed: ${error}`));
  await uptimeCheck();
  const uptimeTimer = setInterval(uptimeCheck, 5 * 60_000);
  log(`uptime check (${uptimeCron}) ran; it runs every five minutes while dev is up`);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(uptimeTimer);
    console.log('dev: stopping…');
    await service.stop();
    await demo?.stop();
    await dashboard.close();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error) => {
  console.error(`dev: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
