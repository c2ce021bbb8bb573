import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { languageOf } from '../code-index/chunking/languages';
import { wordTokens } from '../code-index/ranking/term-evidence';
import { inWordsTable } from '../code-index/store/file-index';
import { checkOptions } from './cli-options';
import { readDumps } from './eval/dump-rank';
import { type EvidenceFile, evidenceValues } from './eval/evidence-file';
import {
  type FileTerms,
  fileTerms,
  questionIdentifiers,
  questionTerms,
  TermIdf,
  termEvidence,
  wordsText,
} from './eval/evidence';
import { indexedFiles } from './eval/indexed-files';
import type { SearchDump } from './eval/search-dump';

const USAGE =
  'npm run eval:evidence -- --dumps <dir> --checkouts <dir holding <name>/ checkouts> --out <dir> [--repos a,b]';

/** The evidence of every candidate of every question of one dump, from the checkout's text at the dump's commit. */
export function evidenceForDump(
  dump: Pick<SearchDump, 'name' | 'commit' | 'questions'>,
  files: { path: string; text: string }[],
): { file: EvidenceFile; missing: number } {
  const idf = new TermIdf();
  const texts = new Map<string, string>();
  for (const { path, text } of files) {
    texts.set(path, text);
    if (inWordsTable(path)) idf.add(new Set(wordTokens(wordsText(path, text))));
  }
  const read = new Map<string, FileTerms | null>();
  const termsOf = (path: string) => {
    if (!read.has(path)) {
      const text = texts.get(path);
      read.set(path, text === undefined ? null : fileTerms(path, text, languageOf(path)));
    }
    return read.get(path)!;
  };
  let missing = 0;
  const questions = dump.questions.map((question) => {
    const terms = questionTerms(question.query).map((tokens) => ({ tokens, idf: idf.idf(tokens) }));
    const identifiers = questionIdentifiers(question.query);
    const paths = new Set(Object.values(question.lists).flatMap((list) => list.map((c: { path: string }) => c.path)));
    const out: EvidenceFile['questions'][number]['files'] = {};
    for (const path of [...paths].sort()) {
      const file = termsOf(path);
      if (!file) {
        missing++;
        continue;
      }
      out[path] = evidenceValues(termEvidence(terms, identifiers, file)).map(
        (value) => Math.round(value * 1e4) / 1e4,
      ) as EvidenceFile['questions'][number]['files'][string];
    }
    return { query: question.query, files: out };
  });
  return { file: { version: 1, name: dump.name, commit: dump.commit, questions }, missing };
}

/** Writes `<out>/<name>.json` per dump: what eval:tune --extra-features <out> reads. */
export function run(argv = process.argv.slice(2)): void {
  checkOptions({ usage: USAGE, values: ['dumps', 'checkouts', 'out', 'repos'] }, argv);
  const { values } = parseArgs({
    args: argv,
    options: {
      dumps: { type: 'string' },
      checkouts: { type: 'string' },
      out: { type: 'string' },
      repos: { type: 'string' },
    },
  });
  if (!values.dumps || !values.checkouts || !values.out) throw new Error(USAGE);
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
