import { createRouter } from '../router';
import { getMetrics, getMetricsRoute } from './get-metrics';

export function metricsRouter() {
  return createRouter().openapi(getMetricsRoute, getMetrics);
}
