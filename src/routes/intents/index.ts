import { createRouter } from '../router';
import { proposeIntent, proposeIntentRoute } from './propose-intent';
import { listIntents, listIntentsRoute } from './list-intents';
import { getIntent, getIntentRoute } from './get-intent';
import { getIntentChanges, getIntentChangesRoute } from './get-intent-changes';
import { approveIntent, approveIntentRoute } from './approve-intent';
import { rejectIntent, rejectIntentRoute } from './reject-intent';
import { cancelIntent, cancelIntentRoute } from './cancel-intent';
import { executeIntent, executeIntentRoute } from './execute-intent';

export function intentsRouter() {
  return createRouter()
    .openapi(proposeIntentRoute, proposeIntent)
    .openapi(listIntentsRoute, listIntents)
    .openapi(getIntentRoute, getIntent)
    .openapi(getIntentChangesRoute, getIntentChanges)
    .openapi(approveIntentRoute, approveIntent)
    .openapi(rejectIntentRoute, rejectIntent)
    .openapi(cancelIntentRoute, cancelIntent)
    .openapi(executeIntentRoute, executeIntent);
}
