import { redactValue, type RedactionCounts, type RedactionTally } from '../redaction/redact';
import type { EventPublisher, ProjectEvent } from './publisher';

/** An event's summary and data passed through the secret scanner as one document; the counts beside it. */
export function redactEvent<E extends Pick<ProjectEvent, 'summary' | 'data'>>(
  event: E,
): { event: E; counts: RedactionCounts } {
  const { value, counts, total } = redactValue({ summary: event.summary, data: event.data });
  if (!total) return { event, counts };
  return { event: { ...event, summary: value.summary, ...(value.data ? { data: value.data } : {}) }, counts };
}

/** Every event passes the secret scanner before any listener (Cursor, the dashboard, a model) can see it. */
export class RedactingEventPublisher implements EventPublisher {
  constructor(
    private readonly inner: EventPublisher,
    private readonly tally: RedactionTally,
  ) {}

  publish(...events: ProjectEvent[]): Promise<void> {
    return this.inner.publish(
      ...events.map((sent) => {
        const { event, counts } = redactEvent(sent);
        this.tally.add(counts);
        return event;
      }),
    );
  }
}
