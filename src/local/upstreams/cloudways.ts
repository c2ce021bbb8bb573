import type { IncomingMessage, ServerResponse } from 'node:http';
import { CLOUDWAYS_API_KEY, CLOUDWAYS_EMAIL, type CloudwaysStats } from './controls';
import { serveLocally } from './serve';

export interface LocalCloudways {
  /** `${url}/${scenario}/${run}/api/v1` is one account's API base; `run` keeps tests apart. */
  url: string;
  stop(): Promise<void>;
}

/*
 * A local stand-in for the Cloudways API v1: `POST /oauth/access_token` (form email +
 * api_key -> access_token, expires_in), `GET /server` (servers with their apps, secrets
 * included as the real API does), `POST /server/restart`, `POST /service/varnish`.
 * The first path segment scripts the behaviour:
 *   healthy      two running servers
 *   stopped      one server is stopped
 *   slow-<ms>    every answer is delayed
 *   failing      API calls answer 500 (tokens still work)
 *   limited      API calls answer 429 with Retry-After
 *   expiring     every token stops working after one call (answers 401 after)
 * `GET /${scenario}/${run}/__stats` reports what happened for that run.
 */
export async function startCloudwaysServer(): Promise<LocalCloudways> {
  const runs = new Map<string, CloudwaysStats & { live: Map<string, number> }>();
  let url = '';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = new URL(req.url ?? '/', url);
    const [scenario = '', run = '', ...rest] = parsed.pathname.split('/').filter(Boolean);
    const key = `${scenario}/${run}`;
    let state = runs.get(key);
    if (!state) {
      state = { tokensIssued: 0, apiCalls: 0, unauthorized: 0, restarts: [], purges: [], live: new Map() };
      runs.set(key, state);
    }
    const path = `/${rest.join('/')}`;
    if (path === '/__stats') {
      const { live: _live, ...stats } = state;
      return json(res, 200, stats);
    }
    const delay = /^slow-(\d+)$/.exec(scenario);
    if (delay) await new Promise((resolve) => setTimeout(resolve, Number(delay[1])));
    const form = new URLSearchParams(await readBody(req));

    if (req.method === 'POST' && path === '/api/v1/oauth/access_token') {
      if (form.get('email') !== CLOUDWAYS_EMAIL || form.get('api_key') !== CLOUDWAYS_API_KEY) {
        return json(res, 401, {
          error: 'invalid_credentials',
          error_description: 'The user credentials were incorrect.',
        });
      }
      const token = `cwtok-${crypto.randomUUID()}`;
      state.tokensIssued++;
      state.live.set(token, scenario === 'expiring' ? 1 : Number.POSITIVE_INFINITY);
      return json(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
    }

    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const uses = token ? state.live.get(token) : undefined;
    if (!token || !uses) {
      state.unauthorized++;
      return json(res, 401, { error: 'invalid_token', error_description: 'The access token provided is invalid' });
    }
    state.live.set(token, uses - 1);
    state.apiCalls++;
    if (scenario === 'failing') return json(res, 500, { status: false, message: 'Internal Server Error' });
    if (scenario === 'limited') {
      res.setHeader('retry-after', '42');
      return json(res, 429, { status: false, message: 'Too many requests' });
    }

    if (req.method === 'GET' && path === '/api/v1/server')
      return json(res, 200, { status: true, servers: servers(scenario) });
    if (req.method === 'POST' && path === '/api/v1/server/restart') {
      state.restarts.push(form.get('server_id') ?? '');
      return json(res, 200, { status: true, operation_id: 4242 });
    }
    if (req.method === 'POST' && path === '/api/v1/service/varnish') {
      if (form.get('action') !== 'purge') return json(res, 422, { status: false, message: 'action is invalid' });
      state.purges.push(form.get('server_id') ?? '');
      return json(res, 200, { status: true });
    }
    return json(res, 404, { status: false, message: 'Not found' });
  }

  const served = await serveLocally(handle);
  url = served.url;
  return served;
}

function servers(scenario: string) {
  const app = (id: number, serverId: number, label: string) => ({
    id: String(id),
    label,
    application: 'wordpress',
    app_version: '6.6',
    app_fqdn: `${label}.cloudwaysapps.test`,
    app_user: 'app-user',
    app_password: 'APP-SECRET-PASSWORD',
    sys_user: 'sys-user',
    sys_password: 'SYS-SECRET-PASSWORD',
    cname: `${label}.example.test`,
    mysql_db_name: 'db',
    mysql_user: 'dbuser',
    mysql_password: 'MYSQL-SECRET-PASSWORD',
    aliases: [],
    server_id: String(serverId),
    project_id: '1',
    created_at: '2026-01-02 03:04:05',
  });
  const server = (id: number, label: string, status: string, apps: ReturnType<typeof app>[]) => ({
    id: String(id),
    label,
    status,
    tenant_id: '1',
    backup_frequency: '1',
    local_backups: false,
    is_terminated: '0',
    created_at: '2026-01-01 00:00:00',
    updated_at: '2026-01-01 00:00:00',
    platform: 'debian11',
    cloud: 'do',
    region: 'lon1',
    zone: null,
    instance_type: '2GB',
    server_fqdn: `${label}.cloudwaysapps.test`,
    public_ip: '203.0.113.10',
    volume_size: '50',
    master_user: 'master',
    master_password: 'MASTER-SECRET-PASSWORD',
    snapshot_frequency: null,
    apps,
  });
  return [
    server(101, 'production', 'running', [app(1001, 101, 'shop'), app(1002, 101, 'blog')]),
    server(102, 'staging', scenario === 'stopped' ? 'stopped' : 'running', [app(1003, 102, 'shop-staging')]),
  ];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
