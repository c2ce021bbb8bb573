import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const HELP = `npm run bench [-- <area> ...]

Runs the benchmarks in src/tools/bench/<area>.ts (all of them by default) on
loopback and prints their figures. Areas: ${areas().join(', ')}.`;

function areas(): string[] {
  const dir = fileURLToPath(new URL('./bench', import.meta.url));
  return readdirSync(dir)
    .filter((file) => file.endsWith('.ts') && file !== 'load.ts')
    .map((file) => file.slice(0, -3))
    .sort();
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(HELP);
    return;
  }
  const available = areas();
  const chosen = args.length ? args : available;
  for (const area of chosen) {
    if (!available.includes(area)) throw new Error(`unknown benchmark "${area}" (have: ${available.join(', ')})`);
  }
  for (const area of chosen) {
    console.log(`\n== bench: ${area} ==`);
    const started = Date.now();
    const module = (await import(`./bench/${area}.ts`)) as { run: () => Promise<void> };
    await module.run();
    console.log(`(${area}: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`bench: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  },
);
