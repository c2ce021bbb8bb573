import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SignRequest } from './controls';
import { serveLocally } from './serve';

export interface LocalAccess {
  /** Base URL; a team lives under `${url}/${team}`, which is also its issuer (`iss`) and ACCESS_TEAM_DOMAIN. */
  url: string;
  stop(): Promise<void>;
}

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  jwk: Record<string, unknown>;
}

interface Team {
  keys: SigningKey[];
  down: boolean;
  certFetches: number;
}

function newKey(): SigningKey {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const kid = createHash('sha256').update(String(jwk.n)).digest('hex');
  return { kid, privateKey, jwk: { ...jwk, kid, alg: 'RS256', use: 'sig' } };
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/*
 * A local stand-in for a Cloudflare Access team: it publishes the team's signing keys
 * as a JWKS at `/{team}/cdn-cgi/access/certs` (the path Access uses) and signs RS256
 * application tokens the way Access does (`aud` a list, `iss` the team domain, `email`).
 * Control routes, per team: `POST _sign` (a token, see SignRequest), `POST _rotate`
 * (a new current key; the old one stays published, as after a real rotation),
 * `POST _down` / `POST _up` (the key server answers 503 or not), `GET _stats`.
 */
export async function startAccessServer(): Promise<LocalAccess> {
  const teams = new Map<string, Team>();
  const stranger = newKey();

  function teamOf(name: string): Team {
    let team = teams.get(name);
    if (!team) {
      team = { keys: [newKey()], down: false, certFetches: 0 };
      teams.set(name, team);
    }
    return team;
  }

  function signToken(url: string, name: string, team: Team, request: SignRequest): string {
    const key = request.signer === 'stranger' ? stranger : team.keys.at(-1)!;
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', kid: request.kid ?? key.kid, typ: 'JWT' };
    const claims = {
      aud: Array.isArray(request.aud) ? request.aud : [request.aud],
      email: request.email,
      exp: now + (request.expiresIn ?? 600),
      iat: now,
      nbf: now + (request.notBefore ?? -5),
      iss: request.iss ?? `${url}/${name}`,
      type: 'app',
      sub: request.email ? createHash('sha256').update(request.email).digest('hex').slice(0, 36) : '',
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    return `${input}.${b64url(sign('sha256', Buffer.from(input), key.privateKey))}`;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: string): Promise<void> {
    const parsed = new URL(req.url ?? '/', url);
    const [name = '', ...rest] = parsed.pathname.split('/').filter(Boolean);
    const path = rest.join('/');
    const team = teamOf(name);
    if (req.method === 'GET' && path === 'cdn-cgi/access/certs') {
      team.certFetches++;
      if (team.down) return json(res, 503, { error: 'unavailable' });
      return json(res, 200, { keys: team.keys.map((k) => k.jwk) });
    }
    if (req.method === 'POST' && path === '_sign') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      return json(res, 200, {
        token: signToken(url, name, team, JSON.parse(Buffer.concat(chunks).toString() || '{}')),
      });
    }
    if (req.method === 'POST' && path === '_rotate') {
      team.keys = [...team.keys.slice(-1), newKey()];
      return json(res, 200, { kid: team.keys.at(-1)!.kid });
    }
    if (req.method === 'POST' && (path === '_down' || path === '_up')) {
      team.down = path === '_down';
      return json(res, 200, { down: team.down });
    }
    if (req.method === 'GET' && path === '_stats') return json(res, 200, { certFetches: team.certFetches });
    return json(res, 404, { error: 'not found' });
  }

  return serveLocally(handle);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
