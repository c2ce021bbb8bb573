import { Octokit } from '@octokit/core';
import type { AnswerCache } from '../cache/answer-cache';
import { MAX_CACHED_VALUE_CHARS } from '../cache/answer-cache';
import type { Logger } from '../lib/log';
import type { GitHubConnection } from './config';
import { mapGitHubFailure, readRateLimit, type Headers_, type RateLimit } from './errors';
import { pageNumberOf, parseLinkHeader, type PagePosition } from './paging';
import type { Page } from './rest-types';

/** How many upstream requests this client made, and how many GitHub answered 304. */
export interface ClientStats {
  requests: number;
  notModified: number;
}

/** What octokit threw, reduced to what may be kept: status, headers and GitHub's message. */
export interface GitHubFailure {
  status: number | null;
  headers: Headers_;
  message: string;
}

interface RememberedAnswer {
  etag: string;
  data: unknown;
  link?: string;
}

export interface GitHubClientOptions {
  settings: GitHubConnection;
  /**
   * Where ETags and their bodies are remembered; absent or null disables conditional
   * requests (the repo-index Durable Object has no answer cache).
   */
  cache?: AnswerCache | null;
  /** Key prefix for this project and API root; needed with a cache. */
  cacheNamespace?: string;
  log?: Logger;
  fetch?: typeof fetch;
  /** Run cache writes after the response (ctx.waitUntil); awaited inline when absent. */
  defer?: (work: Promise<unknown>) => void;
}

export interface GetOptions {
  accept?: string;
  /** Remember the ETag and send If-None-Match next time (default true). */
  conditional?: boolean;
}

/**
 * The exchange with one GitHub API root: octokit with the token and a timeout per request,
 * conditional GETs whose ETag and body are remembered in the answer cache and replayed on a
 * 304 (which costs no rate limit), request counts, and the rate limit GitHub last reported.
 * Failures leave as `ApiError`s through `mapGitHubFailure`.
 */
export class GitHubTransport {
  readonly stats: ClientStats = { requests: 0, notModified: 0 };
  /** The rate limit GitHub reported on its most recent answer. */
  rateLimit: RateLimit | null = null;
  readonly octokit: Octokit;

  constructor(readonly options: GitHubClientOptions) {
    this.octokit = new Octokit({
      auth: options.settings.token,
      baseUrl: options.settings.apiUrl,
      userAgent: 'hezlep-ops-orchestrator',
      // octokit logs deprecations through this; keep its output off the console and tokens out of it.
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      request: { fetch: options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init)) },
    });
  }

  /** One GET, conditional on a remembered ETag. `subject` names what was asked for in errors. */
  async get<T>(
    route: string,
    params: Record<string, unknown>,
    subject: string,
    options: GetOptions = {},
  ): Promise<{ data: T; link: Record<string, string> }> {
    const conditional = options.conditional !== false && !!this.options.cache;
    const headers: Record<string, string> = { 'x-github-api-version': '2022-11-28' };
    if (options.accept) headers.accept = options.accept;
    const endpoint = this.octokit.request.endpoint(`GET ${route}`, { ...params, headers });
    const key = `${this.options.cacheNamespace ?? 'github'}:etag:${options.accept ?? ''}:${endpoint.url}`;
    const remembered = conditional ? await this.recall(key) : null;
    if (remembered) headers['if-none-match'] = remembered.etag;

    this.stats.requests++;
    try {
      const response = await this.octokit.request(`GET ${route}`, {
        ...params,
        headers,
        request: { signal: this.deadline() },
      });
      this.noteRateLimit(response.headers as Headers_);
      const etag = response.headers.etag;
      const link = response.headers.link;
      if (conditional && etag) await this.remember(key, { etag, data: response.data, ...(link ? { link } : {}) });
      return { data: response.data as T, link: parseLinkHeader(link) };
    } catch (error) {
      const failure = this.failureOf(error);
      if (failure.status === 304 && remembered) {
        this.stats.notModified++;
        return { data: remembered.data as T, link: parseLinkHeader(remembered.link) };
      }
      throw mapGitHubFailure(failure, subject);
    }
  }

  /** One page of a list; the next position comes from the Link header, never from guessing. */
  async page<T>(
    route: string,
    params: Record<string, unknown>,
    position: PagePosition,
    subject: string,
    pick?: (data: any) => { items: T[]; totalCount?: number },
    options?: GetOptions,
  ): Promise<Page<T>> {
    const { data, link } = await this.get<unknown>(
      route,
      { ...params, per_page: position.perPage, page: position.page },
      subject,
      options,
    );
    const picked = pick ? pick(data) : { items: data as T[] };
    const nextPage = pageNumberOf(link.next);
    return { ...picked, next: nextPage ? { page: nextPage, perPage: position.perPage } : null };
  }

  /** The abort signal every request carries: the configured timeout from now. */
  deadline(): AbortSignal {
    return AbortSignal.timeout(this.options.settings.timeoutMs);
  }

  noteRateLimit(headers: Headers_): void {
    const seen = readRateLimit(headers);
    // The search API has its own, smaller window; report the core one when both were seen.
    if (seen && (seen.resource === undefined || seen.resource === 'core' || !this.rateLimit)) this.rateLimit = seen;
  }

  /** Reduce whatever octokit threw to status, headers and message: the request (and its token) stays behind. */
  failureOf(error: unknown): GitHubFailure {
    const e = error as {
      status?: number;
      response?: { headers?: Headers_; data?: { message?: unknown } };
      message?: string;
      name?: string;
    };
    const headers = e.response?.headers ?? {};
    this.noteRateLimit(headers);
    const reached = typeof e.status === 'number' && e.response !== undefined;
    // GitHub's own message, without the documentation link octokit appends.
    const said = e.response?.data?.message;
    return {
      status: reached ? e.status! : null,
      headers,
      message: typeof said === 'string' ? said : String(e.message ?? e.name ?? 'unknown error'),
    };
  }

  private async recall(key: string): Promise<RememberedAnswer | null> {
    try {
      const text = await this.options.cache!.get(key);
      return text ? (JSON.parse(text) as RememberedAnswer) : null;
    } catch (error) {
      this.options.log?.warn('github etag cache read failed', { reason: String(error).slice(0, 200) });
      return null;
    }
  }

  private async remember(key: string, answer: RememberedAnswer): Promise<void> {
    const text = JSON.stringify(answer);
    if (text.length > MAX_CACHED_VALUE_CHARS) return;
    const write = this.options.cache!.set(key, text, this.options.settings.etagTtlMs).catch((error: unknown) => {
      this.options.log?.warn('github etag cache write failed', { reason: String(error).slice(0, 200) });
    });
    if (this.options.defer) this.options.defer(write);
    else await write;
  }
}
