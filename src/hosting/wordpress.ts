import type { HostingConfig } from './config';
import type { LayerState } from '../status/layer';
import { callUpstream, readJson, UpstreamBodyTimeout, type UpstreamOutcome } from './upstream';

/** The Site Health tests WordPress exposes over REST (`wp-site-health/v1/tests/*`, WordPress 5.6+). */
export const SITE_HEALTH_TESTS = [
  'background-updates',
  'loopback-requests',
  'https-status',
  'dotorg-communication',
  'authorization-header',
  'page-cache',
] as const;

export interface SiteHealthResult {
  test: string;
  status: 'good' | 'recommended' | 'critical' | 'unavailable';
  label: string;
}

export interface WordPressHealth {
  state: LayerState;
  latencyMs: number;
  reason: string;
  endpoint: string | null;
  site: { name: string | null; url: string | null; namespaces: number } | null;
  version: string | null;
  siteHealth: { authenticated: boolean; critical: number; recommended: number; tests: SiteHealthResult[] } | null;
}

interface RestIndex {
  name?: string;
  url?: string;
  home?: string;
  namespaces?: string[];
}

/** Reads a WordPress site's health through its REST API, never taking longer than the timeout. */
export class WordPressClient {
  constructor(
    private readonly settings: NonNullable<HostingConfig['wordpress']>,
    private readonly limits: Pick<HostingConfig, 'timeoutMs' | 'slowMs'>,
  ) {}

  private headers(): HeadersInit {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'hezlep-ops-orchestrator' };
    if (this.settings.user && this.settings.appPassword) {
      // Application passwords are sent as HTTP Basic; WordPress ignores the spaces it shows them with.
      headers.authorization = `Basic ${btoa(`${this.settings.user}:${this.settings.appPassword}`)}`;
    }
    return headers;
  }

  async health(): Promise<WordPressHealth> {
    const { timeoutMs, slowMs } = this.limits;
    const base = { endpoint: this.settings.endpoint, site: null, version: null, siteHealth: null };
    const index = await callUpstream(`${this.settings.endpoint}/`, { headers: this.headers() }, timeoutMs);
    if (index.kind !== 'answered') return { ...base, ...notAnswering('The WordPress REST API', index, timeoutMs) };
    if (!index.response.ok) {
      await index.response.body?.cancel();
      return {
        ...base,
        state: index.response.status >= 500 ? 'down' : 'degraded',
        latencyMs: index.ms,
        reason: `the REST index answered HTTP ${index.response.status}`,
      };
    }
    let body: RestIndex;
    try {
      body = await readJson<RestIndex>(index.response, timeoutMs);
    } catch (error) {
      const reason =
        error instanceof UpstreamBodyTimeout
          ? `the REST index body did not arrive within ${timeoutMs} ms`
          : 'the REST index is not JSON';
      return { ...base, state: 'degraded', latencyMs: index.ms, reason };
    }
    const site = { name: body.name ?? null, url: body.url ?? null, namespaces: body.namespaces?.length ?? 0 };
    const authenticated = Boolean(this.settings.user);
    const [version, siteHealth] = await Promise.all([
      this.version(body.home ?? body.url),
      authenticated ? this.siteHealth() : Promise.resolve(null),
    ]);

    let state: LayerState = 'ok';
    const notes: string[] = [`REST API answered in ${Math.round(index.ms)} ms`];
    if (index.ms > slowMs) {
      state = 'degraded';
      notes.push(`slower than ${slowMs} ms`);
    }
    if (siteHealth) {
      if (!siteHealth.authenticated) {
        state = 'degraded';
        notes.push('site health unavailable: the application password was refused');
      } else if (siteHealth.critical > 0) {
        state = 'degraded';
        notes.push(`site health: ${siteHealth.critical} critical`);
      } else {
        notes.push(`site health: ${siteHealth.recommended} recommended, no critical`);
      }
    } else {
      notes.push('site health not checked (no application password)');
    }
    return { ...base, state, latencyMs: index.ms, reason: notes.join('; '), site, version, siteHealth };
  }

  /**
   * The REST index does not carry the version; the RSS feed's `<generator>`
   * does (`https://wordpress.org/?v=6.6.1`). Best effort: null if hidden.
   */
  private async version(home: string | undefined): Promise<string | null> {
    if (!home) return null;
    const feed = await callUpstream(
      `${home.replace(/\/+$/, '')}/?feed=rss2`,
      { headers: { accept: 'application/rss+xml' } },
      this.limits.timeoutMs,
    );
    if (feed.kind !== 'answered') return null;
    if (!feed.response.ok) {
      await feed.response.body?.cancel();
      return null;
    }
    const text = await feed.response.text().catch(() => '');
    return /<generator>[^<]*[?&]v=([0-9][0-9A-Za-z.-]*)<\/generator>/.exec(text)?.[1] ?? null;
  }

  private async siteHealth(): Promise<NonNullable<WordPressHealth['siteHealth']>> {
    const results = await Promise.all(SITE_HEALTH_TESTS.map((test) => this.siteHealthTest(test)));
    if (results.some((r) => r === 'refused')) return { authenticated: false, critical: 0, recommended: 0, tests: [] };
    const tests = results as SiteHealthResult[];
    return {
      authenticated: true,
      critical: tests.filter((t) => t.status === 'critical').length,
      recommended: tests.filter((t) => t.status === 'recommended').length,
      tests,
    };
  }

  private async siteHealthTest(test: string): Promise<SiteHealthResult | 'refused'> {
    const outcome = await callUpstream(
      `${this.settings.endpoint}/wp-site-health/v1/tests/${test}`,
      { headers: this.headers() },
      this.limits.timeoutMs,
    );
    if (outcome.kind !== 'answered')
      return { test, status: 'unavailable', label: outcome.kind === 'timeout' ? 'timed out' : 'unreachable' };
    const { response } = outcome;
    if (!response.ok) {
      await response.body?.cancel();
      return response.status === 401 || response.status === 403
        ? 'refused'
        : { test, status: 'unavailable', label: `HTTP ${response.status}` };
    }
    try {
      const body = await readJson<{ status?: string; label?: string }>(response, this.limits.timeoutMs);
      const status =
        body.status === 'good' || body.status === 'recommended' || body.status === 'critical'
          ? body.status
          : 'unavailable';
      return { test, status, label: String(body.label ?? '').slice(0, 160) };
    } catch {
      return { test, status: 'unavailable', label: 'unreadable answer' };
    }
  }
}

/** A host that did not answer: slow is degraded (it may come back), unreachable is down. */
export function notAnswering(what: string, outcome: Exclude<UpstreamOutcome, { kind: 'answered' }>, timeoutMs: number) {
  return outcome.kind === 'timeout'
    ? { state: 'degraded' as const, latencyMs: outcome.ms, reason: `${what} did not answer within ${timeoutMs} ms` }
    : { state: 'down' as const, latencyMs: outcome.ms, reason: `${what} could not be reached` };
}
