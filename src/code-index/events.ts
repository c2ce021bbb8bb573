import { loadEventsConfig } from '../events/config';
import type { EventPublisher } from '../events/publisher';
import type { EventHubObject } from '../objects/event-hub';
import { Logger, type LogLevel } from '../lib/log';
import { RedactionTally } from '../redaction/redact';
import { eventPublisherFor } from '../wiring';

/**
 * The event publisher of a repository's index object: the project's hub, from the object's
 * own env (the EVENT_HUB binding and retention vars) and the project the run was started for,
 * behind the secret scanner like every publisher (a commit message or path may hold a secret).
 * Null — runs go on untold — without a binding, without a project (runs saved before runs
 * named one), or with malformed retention vars (the Worker's own requests report those).
 */
export function indexEventPublisher(env: Record<string, unknown>, project: string | undefined): EventPublisher | null {
  if (!project || !env.EVENT_HUB) return null;
  try {
    const { retention } = loadEventsConfig(env);
    const level = (typeof env.LOG_LEVEL === 'string' ? env.LOG_LEVEL : 'info') as LogLevel;
    return eventPublisherFor(
      env.EVENT_HUB as DurableObjectNamespace<EventHubObject>,
      project,
      retention,
      new Logger(level, { object: 'repo-index' }),
      new RedactionTally(),
    );
  } catch {
    return null;
  }
}
