import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { signGitHubPayload } from '../code-index/source/webhook-signature';
import { startGitHubStandIn } from './upstreams/github';
import { startCloudwaysServer } from './upstreams/cloudways';
import { startWordPressServer } from './upstreams/wordpress';
import { hostingVars } from './upstreams/hosting';

/** The demo project's repository on the local GitHub: this checkout's own history. */
export const DEMO_REPO = 'demo/hezlep-ops-orchestrator';

/** Staging deploys from develop, production from main: the roadmap's order, as a policy names it. */
export const DEMO_POLICY = {
  targets: {
    staging: { workflow: 'deploy.yml', ref: 'develop', inputs: { environment: 'staging' } },
    main: { workflow: 'deploy.yml', ref: 'main', inputs: { environment: 'production' } },
  },
};

/** How long the demo's deploy workflow "runs" before GitHub would report it done. */
const DEMO_RUN_MS = 3_000;

/** Variables that mean `.dev.vars` points dev at real services, so no demo is started. */
const REAL_SERVICE_VARS = [
  'GITHUB_TOKEN',
  'GITHUB_REPO',
  'INDEX_REPOS',
  'WP_REST_ENDPOINT',
  'CW_API_KEY',
  'CLOUDWAYS_API_URL',
  'INTENT_POLICY',
];

/** The variables of `.dev.vars` (wrangler's local secrets file) that configure real services, by name. */
export function realServicesIn(devVarsFile: string): string[] {
  if (!existsSync(devVarsFile)) return [];
  const names = readFileSync(devVarsFile, 'utf8')
    .split('\n')
    .map((line) => /^\s*([A-Z][A-Z0-9_]*)\s*=/.exec(line)?.[1])
    .filter((name): name is string => Boolean(name));
  return names.filter((name) => REAL_SERVICE_VARS.includes(name));
}

export interface Demo {
  /** Worker variables pointing GitHub, the index, the intents and hosting at the stand-ins. */
  vars: Record<string, string>;
  repo: string;
  /** The service's URL, once up: finished workflow runs are reported to its webhook, signed. */
  connect(serviceUrl: string): void;
  stop(): Promise<void>;
}

const git = (dir: string, args: string[]) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).trim();

/**
 * A bare copy of this checkout's history with `main` and `develop` at its current commit, so the demo's
 * branches exist whatever branch is checked out, and nothing is ever written to the checkout itself.
 */
function demoRepository(source: string, stateDir: string): string {
  const dir = join(stateDir, 'demo', 'repo.git');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(stateDir, 'demo'), { recursive: true });
  execFileSync('git', ['clone', '--quiet', '--bare', '--no-tags', source, dir]);
  const head = git(source, ['rev-parse', 'HEAD']);
  git(dir, ['update-ref', 'refs/heads/main', head]);
  git(dir, ['update-ref', 'refs/heads/develop', head]);
  git(dir, ['symbolic-ref', 'HEAD', 'refs/heads/main']);
  return dir;
}

/**
 * The demo project `npm run dev` starts when no real service is configured: the one local GitHub serving
 * this repository's history (commits with checks, a deploy.yml workflow that runs to success and is
 * reported through the signed workflow_run webhook), and healthy WordPress and Cloudways stand-ins.
 */
export async function startDemo(options: {
  projectRoot: string;
  stateDir: string;
  log?: (line: string) => void;
}): Promise<Demo> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const dir = demoRepository(options.projectRoot, options.stateDir);
    const webhookSecret = randomBytes(24).toString('hex');
    let serviceUrl: string | undefined;
    const github = await startGitHubStandIn({
      repos: { [DEMO_REPO]: dir },
      onRunCompleted: (fullName, run) => {
        if (!serviceUrl) return;
        const body = JSON.stringify({ action: 'completed', workflow_run: run, repository: { full_name: fullName } });
        void signGitHubPayload(webhookSecret, body)
          .then((signature) =>
            fetch(`${serviceUrl}/ai/github/webhook`, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                'x-github-event': 'workflow_run',
                'x-hub-signature-256': signature,
              },
              body,
            }),
          )
          .then((response) =>
            options.log?.(
              `demo: workflow run ${String(run.id)} ${String(run.conclusion)}, reported to the webhook (${response.status})`,
            ),
          )
          .catch((error: unknown) =>
            options.log?.(`demo: the workflow_run webhook was not delivered: ${String(error)}`),
          );
      },
    });
    stops.push(() => github.stop());
    github.behave(DEMO_REPO, { finishRuns: 'success', finishAfterMs: DEMO_RUN_MS });
    const wordpress = await startWordPressServer();
    stops.push(() => wordpress.stop());
    const cloudways = await startCloudwaysServer();
    stops.push(() => cloudways.stop());

    return {
      repo: DEMO_REPO,
      vars: {
        GITHUB_API_URL: github.url,
        GITHUB_TOKEN: github.token,
        GITHUB_REPO: DEMO_REPO,
        GITHUB_WEBHOOK_SECRET: webhookSecret,
        INDEX_REPOS: `${DEMO_REPO}@main`,
        INTENT_POLICY: JSON.stringify(DEMO_POLICY),
        ...hostingVars(
          { wordpress: wordpress.url, cloudways: cloudways.url },
          { wordpress: 'healthy', cloudways: 'healthy' },
          'demo',
        ),
      },
      connect(url) {
        serviceUrl = url;
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
