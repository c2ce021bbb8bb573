import { describeSession } from './session';
import type { Caller } from '../auth/keys';
import type { ReviewContext, SectionContent } from '../review/section';
import type { CursorSessionService } from './service';

/** The review's Cursor part: who is editing what, right now. */
export async function cursorReviewSection({
  services,
  caller,
}: ReviewContext<{ cursorSessions(caller: Caller): CursorSessionService }>): Promise<SectionContent> {
  const sessions = await services.cursorSessions(caller).list();
  return {
    headline: sessions.length
      ? `${sessions.length} live Cursor session(s): ${sessions.slice(0, 3).map(describeSession).join('; ')}`
      : 'No live Cursor sessions.',
    data: {
      sessions: sessions.map((s) => ({
        user: s.user,
        workspace: s.workspace,
        branch: s.branch,
        file: s.file,
        summary: describeSession(s),
        receivedAt: s.receivedAt,
      })),
    },
  };
}
