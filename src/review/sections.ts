import type { Services } from '../services';
import type { ReviewContext, ReviewSection, SectionContent } from './section';
import { checkStatus } from '../status/check';
import { githubReviewSection } from '../github/status';
import { intentsReviewSection } from '../intents/review';
import { cursorReviewSection } from '../cursor/review';
import { indexReviewSection } from '../code-index/status';

export type { ReviewSection, SectionContent } from './section';

/**
 * Every section of the review. Later areas add theirs with one line each:
 * repository facts and last commits/runs/open PRs (GitHub), cursor sessions,
 * pending intents, index freshness and the top-level module summary (index).
 */
export const REVIEW_SECTIONS: readonly ReviewSection<Services>[] = [
  { name: 'health', priority: 1, build: healthSection },
  { name: 'context', priority: 2, build: contextSection },
  { name: 'github', priority: 3, build: githubReviewSection },
  { name: 'intents', priority: 3, build: intentsReviewSection },
  { name: 'cursor', priority: 4, build: cursorReviewSection },
  { name: 'index', priority: 4, build: indexReviewSection },
  { name: 'audit', priority: 5, build: auditSection },
];

export async function healthSection({ services }: ReviewContext<Services>): Promise<SectionContent> {
  const status = await checkStatus(services);
  return {
    headline: `Health ${status.verdict}: ${status.summary}`,
    data: {
      verdict: status.verdict,
      version: status.service.version,
      layers: status.layers.map(({ layer, state, latencyMs, reason }) => ({ layer, state, latencyMs, reason })),
    },
  };
}

async function contextSection({ services, caller }: ReviewContext<Pick<Services, 'context'>>): Promise<SectionContent> {
  const stored = await services.context(caller).read();
  if (!stored) return { headline: 'No live shared context.', data: { live: false } };
  const f = stored.fields;
  const author = stored.updatedBy.person
    ? `${stored.updatedBy.client}:${stored.updatedBy.person}`
    : stored.updatedBy.client;
  return {
    headline: `Context v${stored.version} by ${author}${f.branch ? ` on ${f.branch}` : ''}${f.currentTask ? `: ${f.currentTask}` : ''}.`,
    data: {
      live: true,
      version: stored.version,
      updatedBy: stored.updatedBy,
      updatedAt: stored.updatedAt,
      expiresAt: stored.expiresAt,
      context: f,
    },
  };
}

const RECENT_AUDIT = 10;

async function auditSection({ services, caller }: ReviewContext<Pick<Services, 'audit'>>): Promise<SectionContent> {
  const { entries } = await services.audit(caller).list({ limit: RECENT_AUDIT });
  const recent = entries.map((e) => ({
    seq: e.seq,
    at: e.at,
    actor: e.actor.person ? `${e.actor.client}:${e.actor.person}` : e.actor.client,
    action: e.action,
    target: e.target,
    summary: e.summary,
  }));
  return {
    headline: recent.length ? `Last audit entry: ${recent[0]!.summary}` : 'The audit log is empty.',
    data: { recent },
  };
}
