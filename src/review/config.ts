import { z } from 'zod';
import { intVar, varsSection } from '../lib/vars';

export interface ReviewConfig {
  /** The whole answer stays under this many bytes of JSON. */
  budgetBytes: number;
  /** A section that takes longer is reported unavailable. */
  sectionTimeoutMs: number;
}

export const reviewVars = varsSection(
  'Review',
  z.object({
    REVIEW_BUDGET_BYTES: intVar(24_000, 2_000, 200_000).describe(
      'The most bytes /ai/review answers with; least important sections are left out beyond it.',
    ),
    REVIEW_SECTION_TIMEOUT_MS: intVar(4_500, 50, 25_000).describe(
      'A review section slower than this (milliseconds) is reported unavailable.',
    ),
  }),
  (v): ReviewConfig => ({ budgetBytes: v.REVIEW_BUDGET_BYTES, sectionTimeoutMs: v.REVIEW_SECTION_TIMEOUT_MS }),
);

export const parseReviewConfig = (vars: Record<string, unknown>): ReviewConfig => reviewVars.parse(vars);
