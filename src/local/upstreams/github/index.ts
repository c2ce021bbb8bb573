import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { actionsRepos, type ActionsHooks } from './actions';
import { generatedRepos } from './generated';
import { gitRepos } from './git';
import type { StandInContext } from './routes';

export type { RepoScenario, ScriptedFailure } from '../controls';

/**
 * The one local GitHub: every REST route the service calls, in GitHub's documented shapes, on one
 * origin and one token, used by `npm run dev` and by the tests. A repository is one of two kinds:
 *  - git-backed (a real repository on disk: `repos` here, `addRepo`, or POST /_fixtures/repos): its
 *    repository, branches, commits, checks, compare, trees and blobs come from git (./git.ts);
 *  - generated (any other owner/name): deterministic data for the visibility routes (./generated.ts).
 * Either kind gets Actions, commit statuses and refs from ./actions.ts once it has Actions state
 * (a created branch, a status, a run, a behaviour), with a git repository's real branches.
 * Faults and behaviours are always scoped to one repository, so tests sharing the server never meet.
 */
export interface GitHubStandIn {
  url: string;
  token: string;
  /** Serve an existing git repository at `owner/name`. */
  addRepo(fullName: string, dir: string): void;
  /** Set a repository's Actions behaviour (see ./actions.ts), e.g. `{ finishRuns: 'success' }`. */
  behave(fullName: string, behaviour: Record<string, unknown>): void;
  blobReads(fullName: string): Map<string, number>;
  /** Requests to generated repositories, all together (for benchmarks). */
  requests(): { total: number; notModified: number };
  stop(): Promise<void>;
}

export interface GitHubStandInOptions {
  token?: string;
  port?: number;
  /** Git repositories to serve from the start: owner/name -> directory. */
  repos?: Record<string, string>;
  onRunCompleted?: ActionsHooks['onRunCompleted'];
  log?: (line: string) => void;
}

/** Routes the Actions part answers: its own for every repository, the shared ones once a repository has Actions state. */
const ACTIONS_ONLY = /^\/(statuses\/[0-9a-f]{40}|git\/refs(\/.*)?)$/;
const ACTIONS_SHARED = /^\/(actions\/.*|branches\/.+|commits\/[^/]+\/(status|check-runs))$/;

export async function startGitHubStandIn(options: GitHubStandInOptions = {}): Promise<GitHubStandIn> {
  let origin = '';
  const context: StandInContext = {
    token: options.token ?? `ghp_test${createHash('sha1').update(String(Math.random())).digest('hex').slice(0, 32)}`,
    origin: () => origin,
    log: options.log,
  };
  const git = gitRepos(context, options.repos);
  const actions = actionsRepos(context, { branchHead: git.branchHead, onRunCompleted: options.onRunCompleted });
  const generated = generatedRepos(context);

  const partFor = (path: string) => {
    if (path.startsWith('/_fixtures/')) return git;
    const control = /^\/_control\/repos\/[^/]+\/[^/]+\/(dispatches|behaviour|runs\/\d+|commits\/[0-9a-f]{40})$/.exec(
      path,
    );
    if (control) return actions;
    const repo = /^\/repos\/([^/]+\/[^/]+)(\/.*)?$/.exec(path);
    if (!repo) return generated;
    const [, fullName, rest = ''] = repo;
    if (ACTIONS_ONLY.test(rest)) return actions;
    if (git.has(fullName!)) {
      // Branches are the repository's own; every served commit has passed its `test` check (git.ts).
      if (rest === '/branches' || /^\/branches\/.+$/.test(rest) || /^\/commits\/[^/]+\/check-runs$/.test(rest))
        return git;
      return ACTIONS_SHARED.test(rest) ? actions : git;
    }
    // A repository whose commits were pushed through the Actions controls compares (and checks) over that history.
    if (/^\/(compare\/.+|commits\/[^/]+\/check-runs)$/.test(rest) && actions.has(fullName!)) return actions;
    return ACTIONS_SHARED.test(rest) && actions.has(fullName!) ? actions : generated;
  };

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    void partFor(path).handle(req, res);
  });
  // See serveLocally: an idle keep-alive socket closed at Node's 5 s default races workerd's next request on it.
  server.keepAliveTimeout = 120_000;
  // Node also drops a kept-alive socket whose next request starts more than headersTimeout after it opened.
  server.headersTimeout = 0;
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  options.log?.(`github stand-in on ${origin}`);
  return {
    url: origin,
    token: context.token,
    addRepo: git.addRepo,
    behave: actions.behave,
    blobReads: git.blobReads,
    requests: generated.requests,
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      git.dispose();
    },
  };
}
