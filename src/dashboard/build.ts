import { existsSync } from 'node:fs';
import { join } from 'node:path';
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

export async function buildDashboard(): Promise<void> {
  await build(dashboardConfig(false));
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
    on(event: 'event', listener: (event: { code: string; error?: unknown; result?: { close(): Promise<void> } }) => void): void;
    close(): Promise<void>;
  };
  await new Promise<void>((resolve) => {
    let first = true;
    watcher.on('event', (event) => {
      if (event.code === 'ERROR') log(`dashboard build failed: ${event.error instanceof Error ? event.error.message : String(event.error)}`);
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
    () => console.log(`dashboard built into ${DASHBOARD_DIST} in ${Math.round(performance.now() - started)} ms`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
