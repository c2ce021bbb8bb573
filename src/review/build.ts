import { ApiError } from '../errors';
import type { Services } from '../services';
import { parseReviewConfig } from './config';
import { REVIEW_SECTIONS } from './sections';
import type { ReviewContext as SectionContext, ReviewSection as Section } from './section';

type ReviewContext = SectionContext<Services>;
type ReviewSection = Section<Services>;

export { parseReviewConfig, type ReviewConfig } from './config';

export interface Review {
  project: string;
  generatedAt: string;
  summary: string[];
  sections: Record<string, Record<string, unknown>>;
  unavailable: { section: string; reason: string }[];
  truncated: boolean;
  omitted: string[];
  budget: { bytes: number; used: number };
  tookMs: number;
}

type Built =
  | { section: ReviewSection; ok: true; headline: string; data: Record<string, unknown> }
  | { section: ReviewSection; ok: false; reason: string };

async function buildSection(section: ReviewSection, context: ReviewContext, timeoutMs: number): Promise<Built> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  try {
    const content = await Promise.race([section.build(context), deadline]);
    if (content === 'timeout') return { section, ok: false, reason: `no answer within ${timeoutMs} ms` };
    return { section, ok: true, ...content };
  } catch (error) {
    return {
      section,
      ok: false,
      reason: error instanceof ApiError ? error.message : 'the section failed unexpectedly',
    };
  } finally {
    clearTimeout(timer);
  }
}

const size = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

/**
 * "Review the full project" in one answer: every section built concurrently,
 * then fitted into the byte budget by dropping the least important sections
 * first (named in `omitted`, with `truncated: true`), never cut silently.
 */
export async function buildReview(
  context: ReviewContext,
  sections: readonly ReviewSection[] = REVIEW_SECTIONS,
): Promise<Review> {
  const started = performance.now();
  const config = parseReviewConfig(context.services.config.vars);
  const built = await Promise.all(sections.map((s) => buildSection(s, context, config.sectionTimeoutMs)));
  const review: Review = {
    project: context.services.config.projectId,
    generatedAt: new Date().toISOString(),
    summary: [],
    sections: {},
    unavailable: [],
    truncated: false,
    omitted: [],
    budget: { bytes: config.budgetBytes, used: 0 },
    tookMs: 0,
  };
  for (const b of [...built].sort((x, y) => x.section.priority - y.section.priority)) {
    if (!b.ok) {
      review.unavailable.push({ section: b.section.name, reason: b.reason.slice(0, 200) });
      continue;
    }
    review.summary.push(b.headline.slice(0, 300));
    review.sections[b.section.name] = b.data;
  }
  // Drop from the least important end until the whole answer fits.
  const droppable = built.filter((b) => b.ok).sort((x, y) => y.section.priority - x.section.priority);
  const measure = () => size({ ...review, tookMs: 100_000, budget: { bytes: config.budgetBytes, used: 1_000_000 } });
  while (measure() > config.budgetBytes && droppable.length) {
    const drop = droppable.shift()!;
    delete review.sections[drop.section.name];
    review.omitted.push(drop.section.name);
    review.truncated = true;
  }
  review.budget.used = measure();
  review.tookMs = Math.round(performance.now() - started);
  return review;
}
