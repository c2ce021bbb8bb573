import type { CliConfig } from './config';
import { CliError } from './errors';

export interface ApiProblem {
  status: number;
  code?: string;
  detail?: string;
  /** The intents policy's rule, on a policy_denied refusal. */
  rule?: string;
}

/** A refusal from the service, with its problem+json code when there is one. */
export class ApiRefusal extends CliError {
  constructor(
    message: string,
    readonly problem: ApiProblem,
  ) {
    // Exit 3 means "your key is the problem"; a policy saying no to this operation is an ordinary refusal.
    super(message, problem.status === 401 || (problem.status === 403 && problem.code !== 'policy_denied') ? 3 : 1);
  }
}

const TIMEOUT_MS = 15_000;

/** The service's HTTP API, with errors a person can act on. */
export class ApiClient {
  constructor(private readonly config: CliConfig) {}

  get baseUrl(): string {
    return this.config.url;
  }

  async request<T>(method: string, path: string, body?: unknown, options: { auth?: boolean } = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'hezlep-cli' };
    if (options.auth !== false) headers['x-api-key'] = this.config.apiKey;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.config.url}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new CliError(
        `Cannot reach the service at ${this.config.url} (${networkReason(error)}). Check HEZLEP_URL or \`hezlep login\`.`,
        2,
      );
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) throw refusal(response.status, parsed, text, method, path);
    return parsed as T;
  }
}

function refusal(status: number, parsed: unknown, text: string, method: string, path: string): ApiRefusal {
  const problem = (parsed && typeof parsed === 'object' ? parsed : {}) as {
    code?: string;
    detail?: string;
    rule?: unknown;
  };
  const detail = problem.detail ?? (text.slice(0, 200) || `HTTP ${status}`);
  const rule = typeof problem.rule === 'string' ? problem.rule : undefined;
  const info: ApiProblem = { status, code: problem.code, detail, ...(rule ? { rule } : {}) };
  if (status === 401) return new ApiRefusal(`The service refused the API key: ${detail}`, info);
  if (status === 403 && problem.code === 'policy_denied') return new ApiRefusal(`Refused by policy: ${detail}`, info);
  if (status === 403) return new ApiRefusal(`Not allowed: ${detail}`, info);
  if (status === 404 && (problem.code === 'not_found' || !problem.code) && /No route for/i.test(detail)) {
    return new ApiRefusal(
      `This service does not offer ${method} ${path.split('?')[0]} (it may be an older version).`,
      info,
    );
  }
  if (status >= 500)
    return new ApiRefusal(`The service failed (${status}${problem.code ? ` ${problem.code}` : ''}): ${detail}`, info);
  return new ApiRefusal(`${status}${problem.code ? ` ${problem.code}` : ''}: ${detail}`, info);
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return cause.code;
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000}s`;
  return cause?.message ?? (error instanceof Error ? error.message : String(error));
}
