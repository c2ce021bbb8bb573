import { ApiError } from '../../errors';
import type { EventHubClient } from '../../events/hub-client';

export function requireHub(hub: EventHubClient | null): EventHubClient {
  if (!hub)
    throw new ApiError('not_configured', 'No event hub is bound (EVENT_HUB), so there is nothing to listen to.');
  return hub;
}
