import type { Caller } from '../auth/keys';
import type { PendingIntentLine, PendingIntentsSource } from '../context/prompt-digest';
import type { ReviewContext, SectionContent } from '../review/section';
import type { IntentService } from './service';

/** What these readers use: the intent lifecycle acting for a caller. */
export interface IntentsAccess {
  intents(caller: Caller): IntentService;
}

/** Intents waiting for a decision, for the prompt digest. */
export function pendingIntentsSource(services: IntentsAccess, caller: Caller): PendingIntentsSource {
  return {
    async listPending(limit: number): Promise<PendingIntentLine[]> {
      const { intents } = await services.intents(caller).list({ state: 'proposed', limit });
      return intents.map((i) => ({
        id: i.id,
        // The view's summary already starts with the kind and target.
        summary: i.summary,
        proposedBy: i.proposedBy.person ? `${i.proposedBy.client}:${i.proposedBy.person}` : i.proposedBy.client,
        createdAt: i.createdAt,
      }));
    },
  };
}

/** The review's intents part: what waits for approval and what is running. */
export async function intentsReviewSection({
  services,
  caller,
}: ReviewContext<IntentsAccess>): Promise<SectionContent> {
  const intents = services.intents(caller);
  const [proposed, approved, executing] = await Promise.all([
    intents.list({ state: 'proposed', limit: 10 }),
    intents.list({ state: 'approved', limit: 10 }),
    intents.list({ state: 'executing', limit: 10 }),
  ]);
  const line = (i: { id: string; kind: string; target: string; summary: string }) => ({
    id: i.id,
    kind: i.kind,
    target: i.target,
    summary: i.summary,
  });
  return {
    headline: `${proposed.intents.length}${proposed.hasMore ? '+' : ''} intent(s) awaiting approval, ${approved.intents.length} approved, ${executing.intents.length} executing.`,
    data: {
      awaitingApproval: proposed.intents.map(line),
      approved: approved.intents.map(line),
      executing: executing.intents.map(line),
    },
  };
}
