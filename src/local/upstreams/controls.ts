// What tests share with the local stand-ins (src/local/upstreams): the credentials the stand-ins accept and the
// shapes of their control requests and reports. Node-free, so tests inside workerd import it; the servers are Node.

/** The application password the fake site accepts (WordPress shows them in groups of four). */
export const WORDPRESS_USER = 'ops-bot';
export const WORDPRESS_APP_PASSWORD = 'abcd EFGH ijkl MNOP qrst UVWX';

export const CLOUDWAYS_EMAIL = 'ops@example.test';
export const CLOUDWAYS_API_KEY = 'cw-test-key-1234567890abcdef';

export interface CloudwaysStats {
  tokensIssued: number;
  apiCalls: number;
  unauthorized: number;
  restarts: string[];
  purges: string[];
}

/** Control of the local GitHub's generated repositories (its `_scenario` API). */
export interface ScriptedFailure {
  /** A regular expression tested against the request path (without the query). */
  path: string;
  kind: 'primary' | 'secondary' | 'secondary-no-retry' | 'status';
  status?: number;
  /** How many matching requests fail; unlimited when omitted. */
  times?: number;
}

export interface RepoScenario {
  commits?: number;
  runs?: number;
  pulls?: number;
  /** Give every commit a 5,000-character message (size-bound tests). */
  hugeMessages?: boolean;
  noRelease?: boolean;
  /** Extra lines in the middle of each failing job log. */
  logFillerLines?: number;
  failures?: ScriptedFailure[];
}

/** The local OpenAI chat stand-in's behaviour for one model name, and one call it recorded. */
export interface ChatBehaviour {
  /** The reply; `{path}` becomes the path the prompt names. */
  reply?: string;
  /** Answer this status (429, 500, 503, ...) for the next `times` calls (-1: always). */
  fail?: { status: number; times: number };
  /** Never answer (until the caller gives up). */
  hang?: boolean;
}

export interface ChatCall {
  model: string;
  path: string | null;
  /** The whole prompt (system and user messages) as received. */
  prompt: string;
  maxTokens: number | null;
}

/** What `POST /{team}/_sign` accepts: the claims, and how to sign them. */
export interface SignRequest {
  email?: string;
  aud: string | string[];
  /** Seconds from now; negative for a token that has already expired. Default 600. */
  expiresIn?: number;
  /** Seconds from now before which the token is not valid. Default -5. */
  notBefore?: number;
  /** Override `iss` (default: the team's own URL). */
  iss?: string;
  /** `team` (its current published key, the default) or `stranger` (a key the team does not publish). */
  signer?: 'team' | 'stranger';
  /** Override the `kid` in the header (e.g. a stranger's token claiming the team's key id). */
  kid?: string;
}
