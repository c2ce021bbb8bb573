/**
 * The server's response types, imported type-only: the dashboard reads what the routes answer, never a copy.
 * Nothing here reaches the bundle.
 */
export type { IntentChanges } from '../../intents/changes';
export type { IntentView, DecisionView } from '../../intents/view';
export type { RecordedQuery } from '../../queries/log';
export type { AuditEntry } from '../../audit/log';
export type { Transition } from '../../status/transition';
export type { MetricsSeries } from '../../metrics/series';
export type { CodeRecallAnswer, CodeSearchAnswer, Freshness, ShownHit } from '../../code-index/search-hit';
export type { ConnectionView } from '../../oauth/connection-view';
