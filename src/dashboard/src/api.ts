/** The human key lives only in this tab's sessionStorage: gone when the tab closes. */
const KEY_STORAGE = 'hezlep.humanKey';

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY_STORAGE);
}
export function storeKey(key: string): void {
  sessionStorage.setItem(KEY_STORAGE, key);
}
export function forgetKey(): void {
  sessionStorage.removeItem(KEY_STORAGE);
}

/** The "key" of a browser Cloudflare Access signed in: no x-api-key, the Access cookie says who it is. */
export const ACCESS_SESSION = '';
/** Where Cloudflare Access ends its session (served by Access in front of the Worker). */
export const ACCESS_LOGOUT = '/cdn-cgi/access/logout';

export interface Problem {
  code?: string;
  title?: string;
  detail?: string;
  status?: number;
  requestId?: string;
}

export type ApiResult<T> =
  | { ok: true; status: number; body: T }
  | { ok: false; status: number; problem: Problem }
  /** The service did not answer at all (network error). */
  | { ok: false; status: 0; problem: Problem; unreachable: true };

/** Every call carries the key in x-api-key (none under Access); answers are parsed, failures returned (never thrown). */
export async function api<T>(
  key: string,
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (key !== ACCESS_SESSION) headers['x-api-key'] = key;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      cache: 'no-store',
    });
  } catch {
    return { ok: false, status: 0, unreachable: true, problem: { detail: 'The service did not answer.' } };
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (response.ok) return { ok: true, status: response.status, body: body as T };
  const problem: Problem =
    body && typeof body === 'object' ? (body as Problem) : { detail: text.slice(0, 200) || response.statusText };
  return { ok: false, status: response.status, problem };
}
