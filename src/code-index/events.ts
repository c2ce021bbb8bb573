import type { EventPublisher } from '../events/publisher';
import type { EventHubObject } from '../objects/event-hub';
import { Logger, type LogLevel } from '../lib/log';
import { eventPublisherFor } from '../wiring';

/**
 * The event publisher of a repository's index object: the project's hub, from the object's
 * own env (the EVENT_HUB binding; the hub keeps events by its own retention) and the project the
 * run was started for; the hub passes its events through the secret scanner like every publisher's (a commit message or path
 * may hold a secret). Null — runs go on untold — without a binding or without a project (runs
 * saved before runs named one).
 */
export function indexEventPublisher(env: Record<string, unknown>, project: string | undefined): EventPublisher | null {
  if (!project || !env.EVENT_HUB) return null;
  const level = (typeof env.LOG_LEVEL === 'string' ? env.LOG_LEVEL : 'info') as LogLevel;
  return eventPublisherFor(
    env.EVENT_HUB as DurableObjectNamespace<EventHubObject>,
    project,
    new Logger(level, { object: 'repo-index' }),
  );
}
