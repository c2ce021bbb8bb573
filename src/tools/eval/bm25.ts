import { splitIdentifier } from '../../code-index/ranking/tokens';

/**
 * The baseline every search change is measured against: plain BM25 (k1 1.2, b 0.75) over whole
 * files, path and text as one bag of lower-cased words and identifier parts. No fields, no
 * priors, no vectors: what a 40-line script gets.
 */
export class FileBm25 {
  private readonly docs: { path: string; tf: Map<string, number>; length: number }[] = [];
  private readonly df = new Map<string, number>();
  private totalLength = 0;

  static tokens(text: string): string[] {
    const out: string[] = [];
    for (const match of text.matchAll(/[A-Za-z0-9_]+/g)) {
      const word = match[0];
      if (word.length > 64) continue;
      const parts = splitIdentifier(word);
      out.push(...parts);
      if (parts.length !== 1 || parts[0] !== word.toLowerCase()) out.push(word.toLowerCase());
    }
    return out;
  }

  add(path: string, text: string): void {
    const tf = new Map<string, number>();
    const tokens = FileBm25.tokens(`${path} ${text}`);
    for (const token of tokens) tf.set(token, (tf.get(token) ?? 0) + 1);
    for (const token of tf.keys()) this.df.set(token, (this.df.get(token) ?? 0) + 1);
    this.docs.push({ path, tf, length: tokens.length });
    this.totalLength += tokens.length;
  }

  get size(): number {
    return this.docs.length;
  }

  /** Paths, best first (files matching no query word are left out). */
  search(query: string, limit: number, k1 = 1.2, b = 0.75): string[] {
    const terms = [...new Set(FileBm25.tokens(query))];
    const n = this.docs.length;
    const average = this.totalLength / Math.max(1, n);
    const scored: { path: string; score: number }[] = [];
    for (const doc of this.docs) {
      let score = 0;
      for (const term of terms) {
        const f = doc.tf.get(term);
        if (!f) continue;
        const df = this.df.get(term)!;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        score += (idf * f * (k1 + 1)) / (f + k1 * (1 - b + (b * doc.length) / average));
      }
      if (score > 0) scored.push({ path: doc.path, score });
    }
    return scored
      .sort((x, y) => y.score - x.score || (x.path < y.path ? -1 : 1))
      .slice(0, limit)
      .map((hit) => hit.path);
  }
}
