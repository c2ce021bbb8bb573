import type { IncomingMessage, ServerResponse } from 'node:http';

/** What each part of the GitHub stand-in gets from the one server that hosts them all. */
export interface StandInContext {
  /** The token every authenticated route expects (`Authorization: token|Bearer …`). */
  token: string;
  /** The server's own origin (http://127.0.0.1:port), known once it listens. */
  origin(): string;
  log?: (line: string) => void;
}

/** One group of GitHub routes; the stand-in's router decides which group answers a request. */
export interface GitHubRoutes {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}
