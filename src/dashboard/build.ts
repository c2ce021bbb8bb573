import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build, type InlineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

/** The dashboard's sources; `dist/` beside them is what the Worker serves at `/` (Workers static assets). */
export const DASHBOARD_ROOT = fileURLToPath(new URL('.', import.meta.url));
export const DASHBOARD_DIST = join(DASHBOARD_ROOT, 'dist');

function dashboardConfig(watch: boolean): InlineConfig {
  return {
    configFile: false,
    root: DASHBOARD_ROOT,
    base: '/',
    logLevel: 'warn',
    plugins: [react(), tailwindcss()],
    build: { outDir: DASHBOARD_DIST, emptyOutDir: true, sourcemap: false, watch: watch ? {} : null },
  };
}

/** The most JavaScript (gzipped) the dashboard may ship; the build fails above it. */
export const JS_BUDGET_BYTES = 250 * 1024;

export async function buildDashboard(): Promise<{ jsGzipBytes: number }> {
  await build(dashboardConfig(false));
  const jsGzipBytes = gzippedJsBytes();
  if (jsGzipBytes > JS_BUDGET_BYTES) {
    throw new Error(`the dashboard's JavaScript is ${kb(jsGzipBytes)} gzipped, over its ${kb(JS_BUDGET_BYTES)} budget`);
  }
  return { jsGzipBytes };
}

/** Every built .js file, gzipped at the default level, summed. */
export function gzippedJsBytes(dir = join(DASHBOARD_DIST, 'assets')): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir)
    .filter((name) => name.endsWith('.js'))
    .reduce((sum, name) => sum + gzipSync(readFileSync(join(dir, name))).length, 0);
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** Build once when nothing is built yet, so wrangler always finds its assets directory. */
export async function ensureDashboardBuilt(log: (line: string) => void = () => undefined): Promise<void> {
  if (existsSync(join(DASHBOARD_DIST, 'index.html'))) return;
  log('building the dashboard…');
  await buildDashboard();
}

export interface DashboardWatcher {
  close(): Promise<void>;
}

/** Rebuild on every change (for `npm run dev`); resolves after the first build. */
export async function watchDashboard(log: (line: string) => void = () => undefined): Promise<DashboardWatcher> {
  const watcher = (await build(dashboardConfig(true))) as unknown as {
    on(
      event: 'event',
      listener: (event: { code: string; error?: unknown; result?: { close(): Promise<void> } }) => void,
    ): void;
    close(): Promise<void>;
  };
  await new Promise<void>((resolve) => {
    let first = true;
    watcher.on('event', (event) => {
      if (event.code === 'ERROR')
        log(`dashboard build failed: ${event.error instanceof Error ? event.error.message : String(event.error)}`);
      if (event.code === 'BUNDLE_END') void event.result?.close();
      if (event.code === 'END' || event.code === 'ERROR') {
        if (!first) log('dashboard rebuilt');
        if (first) resolve();
        first = false;
      }
    });
  });
  return { close: () => watcher.close() };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  buildDashboard().then(
    ({ jsGzipBytes }) =>
      console.log(
        `dashboard built into ${DASHBOARD_DIST} in ${Math.round(performance.now() - started)} ms; JavaScript ${kb(jsGzipBytes)} gzipped (budget ${kb(JS_BUDGET_BYTES)})`,
      ),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
