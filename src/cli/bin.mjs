#!/usr/bin/env node
// The `hezlep` executable. Runs the bundled CLI; in a checkout with dev dependencies
// it rebuilds the bundle first when a source file is newer (so `npx hezlep` is never stale).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const bundle = join(here, 'build', 'hezlep.cjs');
const sources = [here, join(here, 'commands'), join(here, '..', 'events')];

function newestSource() {
  let newest = 0;
  for (const dir of sources) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (name.endsWith('.ts')) newest = Math.max(newest, statSync(join(dir, name)).mtimeMs);
    }
  }
  return newest;
}

const stale = !existsSync(bundle) || newestSource() > statSync(bundle).mtimeMs;
if (stale) {
  try {
    const { buildCli } = await import('./build.mjs');
    await buildCli();
  } catch (error) {
    if (!existsSync(bundle)) {
      process.stderr.write(
        `hezlep: the CLI is not built and cannot be built here (${error.message}). Run \`npm install\` (or \`npm run build:cli\`) in the hezlep checkout.\n`,
      );
      process.exit(1);
    }
    // A stale bundle still works; say nothing.
  }
}
createRequire(import.meta.url)(bundle);
