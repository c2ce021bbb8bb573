import { CoreVarsSchema } from './config';
import { accessVars } from './auth/access';
import { githubVars } from './github/config';
import { indexVars } from './code-index/config';
import { summaryVars } from './code-index/summary/config';
import { intentsVars } from './intents/config';
import { followVars } from './intents/cron';
import { hostingVars } from './hosting/config';
import { statusVars } from './status/config';
import { maintenanceVars } from './maintenance/config';
import { reviewVars } from './review/config';
import { digestVars } from './digest/config';
import { warmupVars } from './warmup/config';
import { eventsVars } from './events/config';
import { cursorVars } from './cursor/config';
import { exposureVars } from './redaction/exposure';
import { publicUrlVars } from './routes/openapi';

/**
 * Every configuration section, in the order the reference lists them. Each area
 * declares its section beside its code and parses it on first use (once per env
 * object), so a bad hosting variable fails hosting calls only; this list composes
 * them for docs/configuration.md (`npm run generate`) and its tests.
 */
export const CONFIG_SECTIONS = [
  { area: 'Service', schema: CoreVarsSchema },
  publicUrlVars,
  accessVars,
  githubVars,
  indexVars,
  summaryVars,
  intentsVars,
  followVars,
  hostingVars,
  statusVars,
  maintenanceVars,
  warmupVars,
  reviewVars,
  digestVars,
  eventsVars,
  cursorVars,
  exposureVars,
] as const;
