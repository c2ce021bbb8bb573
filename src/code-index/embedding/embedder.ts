import { codeTokens } from '../ranking/tokens';

/** The port every embedding backend implements. Vectors are L2-normalised. */
export interface Embedder {
  /** Stable id of the model and its settings: cached vectors are only reused under the same id. */
  readonly id: string;
  readonly dimensions: number;
  /** How many texts one call may carry. */
  readonly batchSize: number;
  embed(texts: string[]): Promise<Float32Array[]>;
}

export function normalise(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}

/** FNV-1a, 32 bits. */
function hash32(text: string, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The offline default: feature hashing of code-aware tokens (identifier parts and
 * whole identifiers), adjacent token pairs and character trigrams of each part, with
 * sublinear term frequency and signed buckets. Deterministic, no network, no model.
 */
export class LocalHashingEmbedder implements Embedder {
  readonly id: string;
  readonly batchSize = 256;

  constructor(readonly dimensions = 384) {
    this.id = `local-hash-v1-${dimensions}`;
  }

  embedOne(text: string): Float32Array {
    const tokens = codeTokens(text, { dropStopwords: true });
    const counts = new Map<string, number>();
    const add = (feature: string, weight: number) => counts.set(feature, (counts.get(feature) ?? 0) + weight);
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      add(`w:${token}`, 1);
      if (i + 1 < tokens.length) add(`b:${token} ${tokens[i + 1]}`, 0.5);
      if (token.length >= 5) for (let j = 0; j + 3 <= token.length; j++) add(`t:${token.slice(j, j + 3)}`, 0.15);
    }
    const vector = new Float32Array(this.dimensions);
    for (const [feature, count] of counts) {
      const h = hash32(feature);
      const sign = hash32(feature, 0x9e3779b9) & 1 ? 1 : -1;
      vector[h % this.dimensions]! += sign * (1 + Math.log(count));
    }
    return normalise(vector);
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return texts.map((text) => this.embedOne(text));
  }
}

/** What gets embedded for a chunk: where it lives and what it is called, then its text. */
export function embeddingInput(chunk: { path: string; symbol: string | null; text: string }, maxChars = 6000): string {
  const head = chunk.symbol ? `${chunk.path} ${chunk.symbol}` : chunk.path;
  return `${head}\n${chunk.text}`.slice(0, maxChars);
}
