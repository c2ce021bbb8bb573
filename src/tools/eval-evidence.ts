import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkOptions, optionValues, type ToolOptions } from './cli-options';
import { readDumps } from './eval/dump-rank';
import { evidenceForDump } from './eval/evidence';
import { indexedFiles } from './eval/indexed-files';

const USAGE =
  'npm run eval:evidence -- --dumps <dir> --checkouts <dir holding <name>/ checkouts> --out <dir> [--repos a,b]';

const OPTIONS: ToolOptions = {
  usage: USAGE,
  values: ['dumps', 'checkouts', 'out', 'repos'],
  required: ['dumps', 'checkouts', 'out'],
};

/** Writes `<out>/<name>.json` per dump: what eval:tune --extra-features <out> reads. */
export function run(argv = process.argv.slice(2)): void {
  checkOptions(OPTIONS, argv);
  const values = optionValues(argv, OPTIONS) as { dumps: string; checkouts: string; out: string; repos?: string };
  mkdirSync(values.out, { recursive: true });
  for (const dump of readDumps(values.dumps, values.repos?.split(','))) {
    const files = indexedFiles(join(values.checkouts, dump.name), dump.commit);
    const { file, missing } = evidenceForDump(dump, files);
    writeFileSync(join(values.out, `${dump.name}.json`), `${JSON.stringify(file)}\n`);
    const candidates = file.questions.reduce((sum, q) => sum + Object.keys(q.files).length, 0);
    console.log(
      `${dump.name}: ${file.questions.length} questions, ${candidates} candidates, ${missing} not at ${dump.commit.slice(0, 12)}`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) run();
