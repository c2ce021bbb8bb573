// Bundles the hezlep CLI (TypeScript under src/cli/) into one CommonJS file Node runs directly.
// Run by `npm run build:cli` and the `prepare` script; bin.mjs also calls it when the bundle is stale.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
export const BUNDLE = join(here, 'build', 'hezlep.cjs');

export async function buildCli() {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(here, 'entry.ts')],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // ws loads these native speed-ups only if present.
    external: ['bufferutil', 'utf-8-validate'],
    legalComments: 'none',
    logLevel: 'warning',
  });
  return BUNDLE;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildCli();
}
