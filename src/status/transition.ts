import type { LayerState } from './layer';

/** One recorded change of a layer's state (a leaf type: the dashboard reads it too). */
export interface Transition {
  id: number;
  layer: string;
  from: LayerState | null;
  to: LayerState;
  reason: string;
  latencyMs: number;
  at: string;
}
