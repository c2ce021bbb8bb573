import type { IncomingMessage, ServerResponse } from 'node:http';
import { WORDPRESS_APP_PASSWORD, WORDPRESS_USER } from './controls';
import { serveLocally } from './serve';

export interface LocalWordPress {
  /** Base URL; a site lives under `${url}/${scenario}`, its REST API under `${url}/${scenario}/wp-json`. */
  url: string;
  stop(): Promise<void>;
}

/*
 * A local stand-in for a WordPress site, speaking the documented shapes of the
 * REST index (`/wp-json/`), the Site Health tests (`/wp-json/wp-site-health/v1/tests/{test}`,
 * application-password Basic auth, `rest_forbidden` otherwise) and the RSS feed's
 * `<generator>`. The first path segment scripts the behaviour:
 *   healthy      everything good
 *   critical     one Site Health test is critical
 *   slow-<ms>    every answer is delayed by <ms>
 *   failing      the REST API answers 500
 *   nofeed       the version is hidden (no generator)
 */
export async function startWordPressServer(): Promise<LocalWordPress> {
  let url = '';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = new URL(req.url ?? '/', url);
    const [scenario = '', ...rest] = parsed.pathname.split('/').filter(Boolean);
    const delay = /^slow-(\d+)$/.exec(scenario);
    if (delay) await new Promise((resolve) => setTimeout(resolve, Number(delay[1])));
    const home = `${url}/${scenario}`;
    const path = `/${rest.join('/')}`;

    if (path === '/' && parsed.searchParams.get('feed') === 'rss2') {
      const generator = scenario === 'nofeed' ? '' : '<generator>https://wordpress.org/?v=6.6.2</generator>';
      return send(
        res,
        200,
        `<?xml version="1.0"?><rss version="2.0"><channel><title>Site</title>${generator}</channel></rss>`,
        'application/rss+xml',
      );
    }
    if (scenario === 'failing' && path.startsWith('/wp-json')) {
      return json(res, 500, {
        code: 'internal_server_error',
        message: 'There has been a critical error on this website.',
        data: { status: 500 },
      });
    }
    if (path === '/wp-json' || path === '/wp-json/') {
      return json(res, 200, {
        name: `Local ${scenario} site`,
        description: 'Just another WordPress site',
        url: home,
        home,
        gmt_offset: '0',
        timezone_string: 'UTC',
        namespaces: ['oembed/1.0', 'wp/v2', 'wp-site-health/v1', 'wp-block-editor/v1'],
        authentication: {
          'application-passwords': { endpoints: { authorization: `${home}/wp-admin/authorize-application.php` } },
        },
        routes: { '/': { namespace: '', methods: ['GET'] } },
      });
    }
    const test = /^\/wp-json\/wp-site-health\/v1\/tests\/([a-z-]+)$/.exec(path)?.[1];
    if (test) {
      if (!authorised(req)) {
        return json(res, 401, {
          code: 'rest_forbidden',
          message: 'Sorry, you are not allowed to do that.',
          data: { status: 401 },
        });
      }
      const critical = scenario === 'critical' && test === 'https-status';
      return json(res, 200, {
        label: critical ? 'Your website does not use HTTPS' : `${test} passed`,
        status: critical ? 'critical' : test === 'page-cache' ? 'recommended' : 'good',
        badge: { label: critical ? 'Security' : 'Performance', color: 'blue' },
        description: '<p>Result of the test.</p>',
        actions: '',
        test: test.replaceAll('-', '_'),
      });
    }
    return json(res, 404, {
      code: 'rest_no_route',
      message: 'No route was found matching the URL and request method.',
      data: { status: 404 },
    });
  }

  const served = await serveLocally(handle);
  url = served.url;
  return served;
}

function authorised(req: IncomingMessage): boolean {
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Basic ')) return false;
  const [user, ...password] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
  // WordPress strips the spaces from application passwords before comparing.
  return (
    user === WORDPRESS_USER && password.join(':').replaceAll(' ', '') === WORDPRESS_APP_PASSWORD.replaceAll(' ', '')
  );
}

function json(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, JSON.stringify(body), 'application/json; charset=UTF-8');
}

function send(res: ServerResponse, status: number, body: string, type: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
