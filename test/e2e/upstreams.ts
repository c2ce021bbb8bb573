import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startGitHubStandIn, type GitHubStandIn } from '../../src/local/upstreams/github';
import { startCloudwaysServer, type LocalCloudways } from '../../src/local/upstreams/cloudways';
import {
  CLOUDWAYS_API_KEY,
  CLOUDWAYS_EMAIL,
  WORDPRESS_APP_PASSWORD,
  WORDPRESS_USER,
} from '../../src/local/upstreams/controls';
import { startWordPressServer, type LocalWordPress } from '../../src/local/upstreams/wordpress';

/** The repository the GitHub card shows (generated data with check runs and statuses). */
export const VISIBLE_REPO = 'acme/shop';

export interface Upstreams {
  /** Worker variables pointing GitHub, the index, WordPress and Cloudways at the stand-ins. */
  vars: Record<string, string>;
  /** The indexed fixture repository (a real git repository served with GitHub's shapes). */
  fixture: { fullName: string; branch: string; head: string };
  /** Commit to the fixture repository; returns the new head. */
  commit(write: Record<string, string>, message: string): Promise<string>;
  /** Switch the WordPress / Cloudways stand-in to another scripted scenario (healthy, failing, stopped, …). */
  scenario: { wordpress: string; cloudways: string };
  stop(): Promise<void>;
}

/**
 * Every upstream the dashboard's cards read, started locally. The one GitHub stand-in serves both the
 * generated repository the GitHub card shows and the git-backed fixture the index reads; a front door
 * lets a test switch the hosting stand-ins' scenario while the Worker keeps its URLs:
 *   /wp/…                  -> the WordPress stand-in, in the scenario currently chosen
 *   /cw/…                  -> the Cloudways stand-in, in the scenario currently chosen
 */
export async function startUpstreams(files: Record<string, string>): Promise<Upstreams> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const github: GitHubStandIn = await startGitHubStandIn();
    stops.push(() => github.stop());
    const wordpress: LocalWordPress = await startWordPressServer();
    stops.push(() => wordpress.stop());
    const cloudways: LocalCloudways = await startCloudwaysServer();
    stops.push(() => cloudways.stop());

    const created = await fetch(`${github.url}/_fixtures/repos`, { method: 'POST', body: JSON.stringify({ files }) });
    if (created.status !== 201)
      throw new Error(`fixture repository not created: ${created.status} ${await created.text()}`);
    const fixture = (await created.json()) as { fullName: string; branch: string; head: string };
    const scenario = { wordpress: 'healthy', cloudways: 'healthy' };
    const run = crypto.randomUUID().slice(0, 8);

    const target = (path: string): string | null => {
      const [, area, rest = ''] = /^\/(wp|cw)(\/.*)?$/.exec(path) ?? [];
      if (area === 'wp') return `${wordpress.url}/${scenario.wordpress}${rest}`;
      if (area === 'cw') return `${cloudways.url}/${scenario.cloudways}/${run}${rest}`;
      return null;
    };

    const server = createServer((req, res) => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://front');
        const to = target(url.pathname);
        if (!to) {
          res.writeHead(404).end();
          return;
        }
        const headers = new Headers();
        for (const [name, value] of Object.entries(req.headers)) {
          if (value === undefined || ['host', 'connection', 'content-length', 'transfer-encoding'].includes(name))
            continue;
          headers.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : new Uint8Array(await readAll(req));
        const answer = await fetch(`${to}${url.search}`, { method: req.method, headers, body, redirect: 'manual' });
        const payload = Buffer.from(await answer.arrayBuffer());
        const out: Record<string, string> = {};
        answer.headers.forEach((value, name) => {
          if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name))
            out[name] = value;
        });
        res.writeHead(answer.status, { ...out, 'content-length': String(payload.length) });
        res.end(payload);
      })().catch(() => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    const front = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    return {
      vars: {
        GITHUB_API_URL: github.url,
        GITHUB_TOKEN: github.token,
        GITHUB_REPO: VISIBLE_REPO,
        GITHUB_CACHE_SECONDS: '0',
        // A deploy workflow for `develop`, so deploys and rollbacks to it can be proposed (and compared).
        INTENT_POLICY: JSON.stringify({ targets: { develop: { workflow: 'deploy.yml' } } }),
        INDEX_REPOS: `${fixture.fullName}@${fixture.branch}`,
        INDEX_RETRY_BASE_MS: '50',
        // Small batches and patient retries, so a run held up by a fault is seen in progress (files done of planned).
        INDEX_BATCH_FILES: '2',
        INDEX_MAX_ATTEMPTS: '30',
        WP_REST_ENDPOINT: `${front}/wp/wp-json`,
        WP_USER: WORDPRESS_USER,
        WP_APP_PASSWORD: WORDPRESS_APP_PASSWORD,
        CLOUDWAYS_API_URL: `${front}/cw/api/v1`,
        CW_EMAIL: CLOUDWAYS_EMAIL,
        CW_API_KEY: CLOUDWAYS_API_KEY,
      },
      fixture,
      async commit(write, message) {
        const response = await fetch(`${github.url}/_fixtures/repos/${fixture.fullName}/commits`, {
          method: 'POST',
          body: JSON.stringify({ write, message }),
        });
        if (response.status !== 201)
          throw new Error(`fixture commit refused: ${response.status} ${await response.text()}`);
        fixture.head = ((await response.json()) as { head: string }).head;
        return fixture.head;
      },
      scenario,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
