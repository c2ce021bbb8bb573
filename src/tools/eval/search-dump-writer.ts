import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileRankWeights } from '../../code-index/ranking/files';
import type { DumpFile, DumpQuestion, ListsAnswer, SearchDump } from './search-dump';
import type { QuestionKind } from './subjects';

/** Collects one repository's dump while its questions are asked, then writes `<dir>/<name>.json`. */
export class SearchDumpWriter {
  private readonly questions: DumpQuestion[] = [];
  private readonly facts: Record<string, DumpFile> = {};
  private weights: FileRankWeights | null = null;

  add(
    item: { query: string; relevant: string[]; commit?: string },
    ranks: { searchRank: number; bm25Rank: number; codeBm25Rank: number; returnedFiles: number },
    answer: ListsAnswer,
    /** A role question's set and its role-files baseline; code questions are written without either, as before. */
    role?: { kind: Exclude<QuestionKind, 'code'>; roleBm25Rank: number },
  ): void {
    this.weights ??= answer.weights;
    Object.assign(this.facts, answer.files);
    this.questions.push({
      query: answer.question,
      relevant: item.relevant,
      ...(item.commit ? { commit: item.commit } : {}),
      ...ranks,
      lists: answer.lists,
      docsLean: answer.docsLean,
      testsLean: answer.testsLean,
      ...role,
    });
  }

  write(
    dir: string,
    index: Pick<SearchDump, 'name' | 'commit' | 'files' | 'chunks' | 'until'>,
  ): { path: string; dump: SearchDump } {
    if (!this.weights) throw new Error(`no question of ${index.name} was dumped`);
    const dump: SearchDump = {
      version: 1,
      ...index,
      weights: this.weights,
      questions: this.questions,
      filesFacts: this.facts,
    };
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${index.name}.json`);
    writeFileSync(path, `${JSON.stringify(dump)}\n`);
    return { path, dump };
  }
}
