import { FEATURES, type LtrModel, type LtrQuestion } from './ltr-features';

/**
 * A linear ranker trained pairwise (RankNet's logistic loss on every relevant-versus-nonrelevant
 * pair of a question, each question weighing the same, plus L2), by Newton's method with a
 * backtracking line search: the loss is convex, so the optimum is unique and the result does not
 * depend on any order or seed.
 */
export interface LinearOptions {
  l2: number;
  iterations: number;
}

export const LINEAR_DEFAULTS: LinearOptions = { l2: 1e-3, iterations: 30 };

export interface LinearModel extends LtrModel {
  /** Weights on the raw features (the standardisation folded in). */
  weights: Float64Array;
}

/** Standard deviation of each feature over the rows (a constant feature keeps scale 1): pairs differ by it. */
function standardisation(questions: LtrQuestion[]): { scale: Float64Array } {
  const mean = new Float64Array(FEATURES);
  const square = new Float64Array(FEATURES);
  let rows = 0;
  for (const q of questions)
    for (let r = 0; r < q.candidates.length; r++, rows++)
      for (let f = 0; f < FEATURES; f++) {
        const value = q.x[r * FEATURES + f]!;
        mean[f]! += value;
        square[f]! += value * value;
      }
  const scale = new Float64Array(FEATURES);
  for (let f = 0; f < FEATURES; f++) {
    mean[f]! /= Math.max(1, rows);
    const variance = square[f]! / Math.max(1, rows) - mean[f]! ** 2;
    scale[f] = variance > 1e-12 ? Math.sqrt(variance) : 1;
  }
  return { scale };
}

/** Every relevant-minus-nonrelevant difference of standardised rows, with its question's share (1 / pairs / questions). */
function pairDifferences(questions: LtrQuestion[], scale: Float64Array) {
  const trained = questions.filter((q) => q.relevant.includes(1) && q.relevant.includes(0));
  const count = trained.reduce((sum, q) => {
    const relevant = q.relevant.reduce((n, r) => n + r, 0);
    return sum + relevant * (q.relevant.length - relevant);
  }, 0);
  const d = new Float64Array(count * FEATURES);
  const share = new Float64Array(count);
  let p = 0;
  for (const q of trained) {
    const relevant = q.relevant.reduce((n, r) => n + r, 0);
    const weight = 1 / (relevant * (q.relevant.length - relevant)) / trained.length;
    for (let i = 0; i < q.relevant.length; i++) {
      if (!q.relevant[i]) continue;
      for (let j = 0; j < q.relevant.length; j++) {
        if (q.relevant[j]) continue;
        for (let f = 0; f < FEATURES; f++)
          d[p * FEATURES + f] = (q.x[i * FEATURES + f]! - q.x[j * FEATURES + f]!) / scale[f]!;
        share[p++] = weight;
      }
    }
  }
  return { d, share, count };
}

/** Loss, gradient and Hessian of the pairwise logistic loss with L2 at `w`. */
function lossAt(w: Float64Array, pairs: ReturnType<typeof pairDifferences>, l2: number, withDerivatives: boolean) {
  const gradient = new Float64Array(FEATURES);
  const hessian = new Float64Array(FEATURES * FEATURES);
  let loss = 0;
  for (let f = 0; f < FEATURES; f++) loss += (l2 / 2) * w[f]! ** 2;
  for (let p = 0; p < pairs.count; p++) {
    const at = p * FEATURES;
    let margin = 0;
    for (let f = 0; f < FEATURES; f++) margin += w[f]! * pairs.d[at + f]!;
    const share = pairs.share[p]!;
    // log(1 + e^-m), computed without overflow either way.
    loss += share * (margin > 0 ? Math.log1p(Math.exp(-margin)) : -margin + Math.log1p(Math.exp(margin)));
    if (!withDerivatives) continue;
    const wrong = 1 / (1 + Math.exp(margin));
    const curvature = share * wrong * (1 - wrong);
    for (let f = 0; f < FEATURES; f++) {
      const df = pairs.d[at + f]!;
      gradient[f]! -= share * wrong * df;
      if (df === 0) continue;
      for (let g = 0; g <= f; g++) hessian[f * FEATURES + g]! += curvature * df * pairs.d[at + g]!;
    }
  }
  for (let f = 0; f < FEATURES; f++) {
    gradient[f]! += l2 * w[f]!;
    hessian[f * FEATURES + f]! += l2;
    for (let g = 0; g < f; g++) hessian[g * FEATURES + f] = hessian[f * FEATURES + g]!;
  }
  return { loss, gradient, hessian };
}

/** Solves A x = b for a symmetric positive definite A (Cholesky). */
export function solveSymmetric(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j]!;
      for (let k = 0; k < j; k++) sum -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = i === j ? Math.sqrt(Math.max(sum, 1e-300)) : sum / l[j * n + j]!;
    }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i * n + k]! * y[k]!;
    y[i] = sum / l[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < n; k++) sum -= l[k * n + i]! * x[k]!;
    x[i] = sum / l[i * n + i]!;
  }
  return x;
}

export function trainLinear(questions: LtrQuestion[], options: LinearOptions = LINEAR_DEFAULTS): LinearModel {
  const { scale } = standardisation(questions);
  const pairs = pairDifferences(questions, scale);
  let w = new Float64Array(FEATURES);
  for (let iteration = 0; iteration < options.iterations; iteration++) {
    const { loss, gradient, hessian } = lossAt(w, pairs, options.l2, true);
    const step = solveSymmetric(hessian, gradient, FEATURES);
    const decrement = step.reduce((sum, s, f) => sum + s * gradient[f]!, 0);
    if (decrement / 2 < 1e-10) break;
    let t = 1;
    let next = w;
    for (let tries = 0; tries < 30; tries++, t /= 2) {
      next = w.map((value, f) => value - t * step[f]!);
      if (lossAt(next, pairs, options.l2, false).loss <= loss - 0.25 * t * decrement) break;
    }
    w = next;
  }
  const weights = w.map((value, f) => value / scale[f]!);
  return {
    weights,
    score: (x, row) => {
      let sum = 0;
      for (let f = 0; f < FEATURES; f++) sum += weights[f]! * x[row * FEATURES + f]!;
      return sum;
    },
  };
}
