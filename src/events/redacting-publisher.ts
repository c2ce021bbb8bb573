import { redactValue, type RedactionTally } from '../redaction/redact';
import type { EventPublisher, ProjectEvent } from './publisher';

/** Every event passes the secret scanner before any listener (Cursor, the dashboard, a model) can see it. */
export class RedactingEventPublisher implements EventPublisher {
  constructor(
    private readonly inner: EventPublisher,
    private readonly tally: RedactionTally,
  ) {}

  publish(...events: ProjectEvent[]): Promise<void> {
    return this.inner.publish(
      ...events.map((event) => {
        const { value, counts } = redactValue({ summary: event.summary, data: event.data });
        this.tally.add(counts);
        return { ...event, summary: value.summary, ...(value.data ? { data: value.data } : {}) };
      }),
    );
  }
}
