import { FEATURES, type LtrModel, type LtrQuestion } from './ltr-features';

/**
 * A small gradient-boosted tree ensemble with a LambdaMART objective: each round, every
 * relevant-versus-nonrelevant pair of a question pulls its two files apart by RankNet's gradient
 * times the NDCG the swap would change; a regression tree of bounded depth fits those pulls
 * (Newton leaves, L2 on the leaf values), and a shrunk copy of it joins the ensemble. Splits are
 * chosen over at most `bins` quantile thresholds per feature. Nothing is random: ties keep the
 * first feature and threshold, and files of equal score are ordered by path as rankFiles orders them.
 */
export interface TreesOptions {
  trees: number;
  depth: number;
  shrinkage: number;
  /** Fewest training rows on each side of a split. */
  minRows: number;
  /** L2 on leaf values (added to the leaf's Hessian). */
  l2: number;
  bins: number;
}

export const TREES_DEFAULTS: TreesOptions = { trees: 200, depth: 3, shrinkage: 0.1, minRows: 50, l2: 1, bins: 32 };

/** A tree as arrays over a complete binary layout (node k's children are 2k+1 and 2k+2); feature -1: a leaf. */
export interface Tree {
  feature: Int32Array;
  threshold: Float64Array;
  value: Float64Array;
}

export interface TreesModel extends LtrModel {
  trees: Tree[];
}

export function treeScore(tree: Tree, x: Float64Array, row: number): number {
  let node = 0;
  while (tree.feature[node]! >= 0)
    node = x[row * FEATURES + tree.feature[node]!]! <= tree.threshold[node]! ? 2 * node + 1 : 2 * node + 2;
  return tree.value[node]!;
}

export function ensemble(trees: Tree[]): TreesModel {
  return {
    trees,
    score: (x, row) => {
      let sum = 0;
      for (const tree of trees) sum += treeScore(tree, x, row);
      return sum;
    },
  };
}

/** Per feature, the distinct quantile thresholds (a value goes left of threshold k when it is ≤ it). */
function thresholdsOf(questions: LtrQuestion[], rows: number, bins: number): Float64Array[] {
  const out: Float64Array[] = [];
  const values = new Float64Array(rows);
  for (let f = 0; f < FEATURES; f++) {
    let at = 0;
    for (const q of questions) for (let r = 0; r < q.candidates.length; r++) values[at++] = q.x[r * FEATURES + f]!;
    values.sort();
    const cuts: number[] = [];
    for (let b = 1; b < bins; b++) {
      const value = values[Math.floor((b * rows) / bins)]!;
      if (value < values[rows - 1]! && cuts[cuts.length - 1] !== value) cuts.push(value);
    }
    out.push(Float64Array.from(cuts));
  }
  return out;
}

/** The bin of each row's feature values: the first threshold it does not exceed (or past the last). */
function binned(questions: LtrQuestion[], rows: number, thresholds: Float64Array[]): Uint8Array {
  const out = new Uint8Array(rows * FEATURES);
  let row = 0;
  for (const q of questions)
    for (let r = 0; r < q.candidates.length; r++, row++)
      for (let f = 0; f < FEATURES; f++) {
        const value = q.x[r * FEATURES + f]!;
        const cuts = thresholds[f]!;
        let bin = 0;
        while (bin < cuts.length && value > cuts[bin]!) bin++;
        out[row * FEATURES + f] = bin;
      }
  return out;
}

/** LambdaMART's pulls (g: toward a higher score) and their curvature (h) on every row, from the current scores. */
function lambdas(questions: LtrQuestion[], starts: Int32Array, scores: Float64Array, g: Float64Array, h: Float64Array) {
  g.fill(0);
  h.fill(0);
  for (const [qi, q] of questions.entries()) {
    const n = q.candidates.length;
    const relevantCount = q.relevant.reduce((sum, r) => sum + r, 0);
    if (!relevantCount || relevantCount === n) continue;
    const base = starts[qi]!;
    const paths = q.prepared.paths;
    const order = Array.from({ length: n }, (_, r) => r).sort(
      (a, b) => scores[base + b]! - scores[base + a]! || (paths[q.candidates[a]!]! < paths[q.candidates[b]!]! ? -1 : 1),
    );
    const discount = new Float64Array(n);
    for (const [position, r] of order.entries()) discount[r] = 1 / Math.log2(position + 2);
    let ideal = 0;
    for (let k = 0; k < relevantCount; k++) ideal += 1 / Math.log2(k + 2);
    for (let i = 0; i < n; i++) {
      if (!q.relevant[i]) continue;
      for (let j = 0; j < n; j++) {
        if (q.relevant[j]) continue;
        const change = Math.abs(discount[i]! - discount[j]!) / ideal;
        const rho = 1 / (1 + Math.exp(scores[base + i]! - scores[base + j]!));
        g[base + i]! += change * rho;
        g[base + j]! -= change * rho;
        const curvature = change * rho * (1 - rho);
        h[base + i]! += curvature;
        h[base + j]! += curvature;
      }
    }
  }
}

/** One regression tree over the pulls, grown level by level from per-node histograms. */
function growTree(
  bins: Uint8Array,
  thresholds: Float64Array[],
  g: Float64Array,
  h: Float64Array,
  options: TreesOptions,
): { tree: Tree; nodeOf: Int32Array } {
  const rows = g.length;
  const size = 2 ** (options.depth + 1) - 1;
  const tree: Tree = {
    feature: new Int32Array(size).fill(-1),
    threshold: new Float64Array(size),
    value: new Float64Array(size),
  };
  const nodeOf = new Int32Array(rows);
  const width = options.bins + 1;
  const gain = (G: number, H: number) => (G * G) / (H + options.l2);
  let open = [0];
  for (let level = 0; level < options.depth && open.length; level++) {
    const slot = new Int32Array(size).fill(-1);
    for (const [k, node] of open.entries()) slot[node] = k;
    // Per open node, feature and bin: the sum of pulls, of curvatures, and the row count, side by side.
    const histogram = new Float64Array(open.length * FEATURES * width * 3);
    for (let row = 0; row < rows; row++) {
      const k = slot[nodeOf[row]!]!;
      if (k < 0) continue;
      const at = k * FEATURES * width;
      const pull = g[row]!;
      const curvature = h[row]!;
      const first = row * FEATURES;
      for (let f = 0; f < FEATURES; f++) {
        const cell = 3 * (at + f * width + bins[first + f]!);
        histogram[cell]! += pull;
        histogram[cell + 1]! += curvature;
        histogram[cell + 2]!++;
      }
    }
    const next: number[] = [];
    const splitBin = new Int32Array(size).fill(-1);
    for (const [k, node] of open.entries()) {
      let best = { gain: 1e-12, feature: -1, bin: -1 };
      for (let f = 0; f < FEATURES; f++) {
        const at = k * FEATURES * width + f * width;
        let G = 0;
        let H = 0;
        let N = 0;
        for (let b = 0; b < width; b++) {
          G += histogram[3 * (at + b)]!;
          H += histogram[3 * (at + b) + 1]!;
          N += histogram[3 * (at + b) + 2]!;
        }
        let GL = 0;
        let HL = 0;
        let NL = 0;
        for (let b = 0; b < thresholds[f]!.length; b++) {
          GL += histogram[3 * (at + b)]!;
          HL += histogram[3 * (at + b) + 1]!;
          NL += histogram[3 * (at + b) + 2]!;
          if (NL < options.minRows || N - NL < options.minRows) continue;
          const value = gain(GL, HL) + gain(G - GL, H - HL) - gain(G, H);
          if (value > best.gain) best = { gain: value, feature: f, bin: b };
        }
      }
      if (best.feature < 0) continue;
      tree.feature[node] = best.feature;
      tree.threshold[node] = thresholds[best.feature]![best.bin]!;
      splitBin[node] = best.bin;
      next.push(2 * node + 1, 2 * node + 2);
    }
    for (let row = 0; row < rows; row++) {
      const node = nodeOf[row]!;
      const bin = splitBin[node]!;
      if (bin >= 0) nodeOf[row] = bins[row * FEATURES + tree.feature[node]!]! <= bin ? 2 * node + 1 : 2 * node + 2;
    }
    open = next;
  }
  const sumG = new Float64Array(size);
  const sumH = new Float64Array(size);
  for (let row = 0; row < rows; row++) {
    sumG[nodeOf[row]!]! += g[row]!;
    sumH[nodeOf[row]!]! += h[row]!;
  }
  for (let node = 0; node < size; node++)
    if (tree.feature[node]! < 0) tree.value[node] = (options.shrinkage * sumG[node]!) / (sumH[node]! + options.l2);
  return { tree, nodeOf };
}

export function trainTrees(questions: LtrQuestion[], options: TreesOptions = TREES_DEFAULTS): TreesModel {
  const starts = new Int32Array(questions.length);
  let rows = 0;
  for (const [qi, q] of questions.entries()) {
    starts[qi] = rows;
    rows += q.candidates.length;
  }
  if (!rows) return ensemble([]);
  const thresholds = thresholdsOf(questions, rows, Math.min(options.bins, 255));
  const bins = binned(questions, rows, thresholds);
  const scores = new Float64Array(rows);
  const g = new Float64Array(rows);
  const h = new Float64Array(rows);
  const trees: Tree[] = [];
  for (let t = 0; t < options.trees; t++) {
    lambdas(questions, starts, scores, g, h);
    const { tree, nodeOf } = growTree(bins, thresholds, g, h, options);
    trees.push(tree);
    for (let row = 0; row < rows; row++) scores[row]! += tree.value[nodeOf[row]!]!;
  }
  return ensemble(trees);
}
