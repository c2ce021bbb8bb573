import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TermEvidence } from '../../code-index/ranking/term-evidence';
import { type EvidenceFile, evidenceOf } from './evidence';

/** Per question of a dump, its candidates' evidence; throws when the file was written for other questions or another commit. */
export function readEvidence(
  dir: string,
  dump: { name: string; commit: string; questions: { query: string }[] },
): ((path: string) => TermEvidence | undefined)[] {
  const file = join(dir, `${dump.name}.json`);
  if (!existsSync(file)) throw new Error(`no evidence for ${dump.name} in ${dir} (npm run eval:evidence)`);
  const data = JSON.parse(readFileSync(file, 'utf8')) as EvidenceFile;
  if (
    data.version !== 1 ||
    data.commit !== dump.commit ||
    data.questions.length !== dump.questions.length ||
    data.questions.some((q, i) => q.query !== dump.questions[i]!.query)
  )
    throw new Error(`${file} was written for other questions or another commit than the dump's`);
  return data.questions.map((question) => {
    const byPath = new Map(Object.entries(question.files).map(([path, values]) => [path, evidenceOf(values)]));
    return (path) => byPath.get(path);
  });
}
