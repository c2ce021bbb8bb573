import { z } from '@hono/zod-openapi';

export const LAYER_STATES = ['ok', 'degraded', 'down', 'unconfigured'] as const;
export type LayerState = (typeof LAYER_STATES)[number];

/** What one layer looks like right now: the shape every health answer shares. */
export interface LayerReport {
  layer: string;
  state: LayerState;
  /** How long the check took, in milliseconds. */
  latencyMs: number;
  /** One line a model or a human can act on. */
  reason: string;
  /** Small, layer-specific figures (rate limit remaining, listeners, index age, …). */
  details?: Record<string, unknown>;
}

export const LayerReportSchema = z
  .object({
    layer: z.string(),
    state: z.enum(LAYER_STATES),
    latencyMs: z.number(),
    reason: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('LayerReport');
