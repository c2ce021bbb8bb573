import type { Caller } from '../auth/keys';

/** What a section is given: the services it uses (each section names its own narrow set) and the caller. */
export interface ReviewContext<S> {
  services: S;
  caller: Caller;
}

/** One section's content and the line it contributes to the review's summary. */
export interface SectionContent {
  headline: string;
  data: Record<string, unknown>;
}

/**
 * A part of `/ai/review`. Sections run concurrently, each within the section
 * timeout; when the whole answer is over its size budget, sections are dropped
 * from the highest `priority` number down (1 = most important), and say so.
 */
export interface ReviewSection<S> {
  name: string;
  priority: number;
  build(context: ReviewContext<S>): Promise<SectionContent>;
}
