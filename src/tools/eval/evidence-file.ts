import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TermEvidence } from '../../code-index/ranking/term-evidence';

/**
 * Per-term evidence of a dump's candidates, written by eval:evidence beside (never inside) the
 * dumps: `<dir>/<name>.json`. Questions are in the dump's order, each with its query (checked on
 * load) and, per candidate path, [coverage, span, defines, declares].
 */
export interface EvidenceFile {
  version: 1;
  name: string;
  commit: string;
  questions: { query: string; files: Record<string, EvidenceValues> }[];
}

export type EvidenceValues = [coverage: number, span: number, defines: number, declares: number];

export function evidenceOf(values: EvidenceValues): TermEvidence {
  return { coverage: values[0], span: values[1], defines: values[2], declares: values[3] };
}

export function evidenceValues(evidence: TermEvidence): EvidenceValues {
  return [evidence.coverage, evidence.span, evidence.defines, evidence.declares];
}

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
