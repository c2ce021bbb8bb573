import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT, startLocalService } from '../local/service';
import { watchDashboard } from '../dashboard/build';

/** The production index path (Workers AI + Vectorize) against the local implementations of both bindings. */
export const PRODUCTION_INDEX_VARS = { INDEX_EMBEDDER: 'workers-ai', INDEX_VECTOR_STORE: 'vectorize', INDEX_LOCAL_BINDINGS: 'true' };

const HELP = `npm run dev [-- --port 8787] [--quiet] [--verbose] [--vectorize]

Starts the whole service offline on http://127.0.0.1:<port>: a local Postgres
(a real server when installed, else PGlite) behind the WebSocket bridge, the
migrations, wrangler dev with the embedded adapters for anything that has no
credentials, and the dashboard at / (rebuilt on every change). --quiet hides
wrangler's output, --verbose adds the Postgres server log. --vectorize indexes code on the
production path (Workers AI embeddings into Vectorize) against the local implementations of
both bindings. State lives in .hezlep/ and .hezlep/wrangler/. Ctrl-C stops all.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8787' },
      quiet: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      vectorize: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port <= 0 || port > 65_535) throw new Error(`--port must be a TCP port, not ${values.port}`);
  const log = (line: string) => console.log(`dev: ${line}`);
  log('building the dashboard (watching src/dashboard for changes)…');
  const dashboard = await watchDashboard(log);
  const service = await startLocalService({
    port,
    stateDir: join(PROJECT_ROOT, '.hezlep'),
    // The Postgres server's own log is noise unless asked for.
    log: (line) => (values.verbose || !line.startsWith('postgres:')) && console.log(`dev: ${line}`),
    verbose: !values.quiet,
    ...(values.vectorize ? { vars: PRODUCTION_INDEX_VARS } : {}),
  });
  if (values.vectorize) log('code index: Workers AI + Vectorize, local implementations (INDEX_LOCAL_BINDINGS=true)');
  console.log(`\nHezlep Ops Orchestrator is up: ${service.url}  (dashboard: ${service.url}/, API docs: ${service.url}/docs)`);
  for (const key of service.keys) console.log(`${key.client} key: ${key.key}`);
  console.log('(keys are kept in .hezlep/dev-keys.json; Ctrl-C stops everything)\n');

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('dev: stopping…');
    await service.stop();
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
