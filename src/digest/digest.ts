import type { Caller } from '../auth/keys';
import type { CronJob } from '../cron/job';
import type { Services } from '../services';
import { buildReview, type Review } from '../review/build';
import { redactValue } from '../redaction/redact';
import { parseDigestConfig } from './config';
import { digestSections } from './sections';
import { clip } from '../lib/clip';

/** The audit action a digest is kept under: the newest such entry is what GET /ai/digest answers. */
export const DIGEST_ACTION = 'digest.published';
const DIGEST_TARGET = 'digest:daily';
/** Without an earlier digest (or after a long gap) the digest covers the last day. */
const DAY_MS = 86_400_000;
const LONGEST_GAP_MS = 7 * DAY_MS;

export interface Digest extends Omit<Review, 'budget' | 'tookMs'> {
  /** The start of the period described: the previous digest's time, or a day ago. */
  since: string;
}

export interface KeptDigest {
  seq: number;
  digest: Digest;
}

type DigestAccess = Pick<Services, 'audit'>;

/** The newest digest, or null when none was built yet (or rotation archived them all). */
export async function latestDigest(services: DigestAccess, caller: Caller): Promise<KeptDigest | null> {
  const { entries } = await services.audit(caller).list({ action: DIGEST_ACTION, limit: 1 });
  const entry = entries[0];
  return entry ? { seq: entry.seq, digest: entry.detail as unknown as Digest } : null;
}

/**
 * Build today's digest, keep it as an audit entry (secrets redacted first: commit titles and
 * summaries come from outside) and publish it to listeners on the `digest` topic.
 */
export async function publishDigest(services: Services, caller: Caller, now = new Date()): Promise<KeptDigest> {
  const previous = await latestDigest(services, caller);
  const previousAt = previous ? Date.parse(previous.digest.generatedAt) : Number.NaN;
  const since = new Date(now.getTime() - previousAt < LONGEST_GAP_MS ? previousAt : now.getTime() - DAY_MS);
  const {
    budget: _budget,
    tookMs: _tookMs,
    ...review
  } = await buildReview({ services, caller }, digestSections(since));
  const { value: digest } = redactValue<Digest>({
    ...review,
    generatedAt: now.toISOString(),
    since: since.toISOString(),
  });
  const summary = clip(`Daily digest: ${digest.summary.join(' ')}`, 500, '…');
  const entry = await services.audit(caller).record({
    action: DIGEST_ACTION,
    target: DIGEST_TARGET,
    summary,
    detail: digest as unknown as Record<string, unknown>,
  });
  await services.events.publish({
    topic: 'digest',
    type: DIGEST_ACTION,
    summary,
    actor: { client: caller.client, person: caller.person, label: caller.label },
    data: { seq: entry.seq, since: digest.since, summary: digest.summary, unavailable: digest.unavailable },
  });
  return { seq: entry.seq, digest };
}

/** The daily digest job (DIGEST_CRON, weekday mornings by default). */
export const digestJob: CronJob<Services> = {
  name: 'digest',
  schedule: (config) => parseDigestConfig(config.vars).cron,
  run: async ({ services, caller }) => {
    const { seq, digest } = await publishDigest(services, caller);
    const missing = digest.unavailable.map((u) => u.section);
    return `digest #${seq} since ${digest.since}${missing.length ? `; unavailable: ${missing.join(', ')}` : ''}`;
  },
};
