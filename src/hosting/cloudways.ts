import { ApiError } from '../errors';
import type { HostingConfig } from './config';
import type { LayerState } from '../status/layer';
import {
  callUpstream,
  isSlowUpstream,
  readJson,
  upstreamError,
  UpstreamBodyTimeout,
  type UpstreamOutcome,
} from './upstream';
import { IsolateTokenCache, tokenCacheKey, type TokenCache } from './cloudways-token';

/** A server as we show it: no passwords, users or keys, whatever Cloudways returns. */
export interface CloudwaysServer {
  id: string;
  label: string;
  status: string;
  cloud: string | null;
  region: string | null;
  instanceType: string | null;
  fqdn: string | null;
  publicIp: string | null;
  apps: number;
}

export interface CloudwaysApp {
  id: string;
  serverId: string;
  label: string;
  application: string | null;
  version: string | null;
  fqdn: string | null;
  cname: string | null;
}

export interface CloudwaysHealth {
  state: LayerState;
  latencyMs: number;
  reason: string;
  servers: { total: number; running: number; notRunning: { id: string; label: string; status: string }[] } | null;
}

/** The raw shapes from `GET /server` (only the fields we read). */
interface RawApp {
  id: string | number;
  label?: string;
  application?: string;
  app_version?: string;
  app_fqdn?: string;
  cname?: string;
  server_id?: string | number;
}
interface RawServer {
  id: string | number;
  label?: string;
  status?: string;
  cloud?: string;
  region?: string;
  instance_type?: string;
  server_fqdn?: string;
  public_ip?: string;
  apps?: RawApp[];
}

/** Refresh a little before the stated expiry, so a token never dies mid-request. */
const EXPIRY_MARGIN_MS = 60_000;

/**
 * Cloudways API v1: an access token from `POST /oauth/access_token` (email + API
 * key), cached until it expires, refreshed once when a call answers 401.
 */
export class CloudwaysClient {
  #key?: Promise<string>;

  constructor(
    private readonly settings: NonNullable<HostingConfig['cloudways']>,
    private readonly limits: Pick<HostingConfig, 'timeoutMs' | 'slowMs'>,
    private readonly tokens: TokenCache = new IsolateTokenCache(),
  ) {}

  private cacheKey(): Promise<string> {
    this.#key ??= tokenCacheKey(this.settings.apiUrl, this.settings.email, this.settings.apiKey);
    return this.#key;
  }

  private async token(): Promise<string> {
    const key = await this.cacheKey();
    const cached = await this.tokens.get(key);
    if (cached) return cached;
    const outcome = await callUpstream(
      `${this.settings.apiUrl}/oauth/access_token`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ email: this.settings.email, api_key: this.settings.apiKey }).toString(),
      },
      this.limits.timeoutMs,
    );
    if (outcome.kind !== 'answered' || !outcome.response.ok) {
      if (outcome.kind === 'answered') await outcome.response.body?.cancel();
      throw upstreamError('The Cloudways API', outcome, this.limits.timeoutMs);
    }
    const body = await readJson<{ access_token?: string; expires_in?: number }>(
      outcome.response,
      this.limits.timeoutMs,
    ).catch(() => ({}) as never);
    if (!body?.access_token)
      throw new ApiError('upstream_error', 'The Cloudways API answered the token request without an access token.');
    const lifetimeMs = Math.max(0, (Number(body.expires_in) || 3600) * 1000 - EXPIRY_MARGIN_MS);
    await this.tokens.set(key, body.access_token, Date.now() + lifetimeMs);
    return body.access_token;
  }

  /** One authenticated call; a 401 means the token expired early: drop it, fetch a new one, retry once. */
  async call(method: 'GET' | 'POST', path: string, form?: Record<string, string>): Promise<UpstreamOutcome> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.token();
      const outcome = await callUpstream(
        `${this.settings.apiUrl}${path}`,
        {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          },
          body: form ? new URLSearchParams(form).toString() : undefined,
        },
        this.limits.timeoutMs,
      );
      if (outcome.kind === 'answered' && outcome.response.status === 401 && attempt === 0) {
        await outcome.response.body?.cancel();
        await this.tokens.delete(await this.cacheKey());
        continue;
      }
      return outcome;
    }
  }

  private async json<T>(
    method: 'GET' | 'POST',
    path: string,
    form?: Record<string, string>,
  ): Promise<{ body: T; ms: number }> {
    const outcome = await this.call(method, path, form);
    if (outcome.kind !== 'answered' || !outcome.response.ok) {
      if (outcome.kind === 'answered') await outcome.response.body?.cancel();
      throw upstreamError('The Cloudways API', outcome, this.limits.timeoutMs);
    }
    try {
      return { body: await readJson<T>(outcome.response, this.limits.timeoutMs), ms: outcome.ms };
    } catch (error) {
      if (error instanceof UpstreamBodyTimeout)
        throw upstreamError('The Cloudways API', { kind: 'timeout', ms: outcome.ms }, this.limits.timeoutMs);
      throw new ApiError('upstream_error', 'The Cloudways API answered with something that is not JSON.');
    }
  }

  private async rawServers(): Promise<{ servers: RawServer[]; ms: number }> {
    const { body, ms } = await this.json<{ servers?: RawServer[] }>('GET', '/server');
    return { servers: Array.isArray(body.servers) ? body.servers : [], ms };
  }

  async listServers(): Promise<CloudwaysServer[]> {
    return (await this.rawServers()).servers.map(toServer);
  }

  async listApps(): Promise<CloudwaysApp[]> {
    return (await this.rawServers()).servers.flatMap((server) => (server.apps ?? []).map((app) => toApp(app, server)));
  }

  async health(): Promise<CloudwaysHealth> {
    const started = performance.now();
    const ms = () => Math.round((performance.now() - started) * 10) / 10;
    let result: { servers: RawServer[]; ms: number };
    try {
      result = await this.rawServers();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const state: LayerState = isSlowUpstream(error) || error.code === 'rate_limited' ? 'degraded' : 'down';
      return { state, latencyMs: ms(), reason: error.message, servers: null };
    }
    const servers = result.servers.map(toServer);
    const notRunning = servers
      .filter((s) => s.status !== 'running')
      .map((s) => ({ id: s.id, label: s.label, status: s.status }));
    const latencyMs = ms();
    let state: LayerState = 'ok';
    const notes = [`${servers.length - notRunning.length}/${servers.length} servers running`];
    if (notRunning.length) {
      state = 'degraded';
      notes.push(`not running: ${notRunning.map((s) => `${s.label} (${s.status})`).join(', ')}`);
    }
    if (latencyMs > this.limits.slowMs) {
      state = 'degraded';
      notes.push(`slower than ${this.limits.slowMs} ms`);
    }
    return {
      state,
      latencyMs,
      reason: notes.join('; '),
      servers: { total: servers.length, running: servers.length - notRunning.length, notRunning },
    };
  }

  /** `POST /server/restart`; returns Cloudways' operation id to follow. */
  async restartServer(serverId: string): Promise<{ operationId: string | null }> {
    const { body } = await this.json<{ operation_id?: string | number }>('POST', '/server/restart', {
      server_id: serverId,
    });
    return { operationId: body.operation_id === undefined ? null : String(body.operation_id) };
  }

  /** `POST /service/varnish` with action=purge: empties the server's Varnish cache. */
  async purgeCache(serverId: string): Promise<{ purged: boolean }> {
    const { body } = await this.json<{ status?: boolean }>('POST', '/service/varnish', {
      server_id: serverId,
      action: 'purge',
    });
    return { purged: body.status !== false };
  }
}

function str(value: unknown): string | null {
  return value === undefined || value === null || value === '' ? null : String(value);
}

function toServer(raw: RawServer): CloudwaysServer {
  return {
    id: String(raw.id),
    label: String(raw.label ?? raw.id),
    status: String(raw.status ?? 'unknown'),
    cloud: str(raw.cloud),
    region: str(raw.region),
    instanceType: str(raw.instance_type),
    fqdn: str(raw.server_fqdn),
    publicIp: str(raw.public_ip),
    apps: raw.apps?.length ?? 0,
  };
}

function toApp(raw: RawApp, server: RawServer): CloudwaysApp {
  return {
    id: String(raw.id),
    serverId: String(raw.server_id ?? server.id),
    label: String(raw.label ?? raw.id),
    application: str(raw.application),
    version: str(raw.app_version),
    fqdn: str(raw.app_fqdn),
    cname: str(raw.cname),
  };
}
