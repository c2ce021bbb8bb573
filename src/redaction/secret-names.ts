/*
 * Which names say "the value is a secret", kept as data. A value under such a name (a JSON field,
 * an assignment, a `.env` line, a header) is redacted whatever it looks like. The word lists follow
 * the keywords and allow-list of gitleaks' generic-api-key rule (MIT, see rules.ts), split into words.
 */

/** A name containing one of these words is secret-like (unless its last word says it is about the secret). */
const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'pw',
  'pass',
  'passphrase',
  'passcode',
  'secret',
  'secrets',
  'credential',
  'credentials',
  'creds',
  'apikey',
  'privatekey',
  'accesskey',
  'secretkey',
  'authtoken',
  'accesstoken',
  'refreshtoken',
  'clientsecret',
  'cookie',
  'bearer',
  'authorization',
  'dsn',
]);

/** These words make a secret-like name only as its last word: `github_token`, `auth`, not `tokenCount`. */
const SECRET_LAST_WORDS = new Set(['token', 'auth']);

/** `key` is secret-like after one of these: `api_key`, `x-api-key`, `aws_secret_access_key`, `signing_key`. */
const KEY_QUALIFIERS = new Set([
  'api',
  'access',
  'secret',
  'private',
  'signing',
  'encryption',
  'master',
  'auth',
  'client',
  'license',
  'service',
  'account',
  'webhook',
  'shared',
  'hmac',
  'deploy',
  'ssh',
  'admin',
  'root',
  'sas',
  'storage',
  'subscription',
  'consumer',
  'app',
]);

/** Qualifiers that make a token public by design. */
const PUBLIC_QUALIFIERS = new Set(['csrf', 'xsrf', 'public', 'publishable', 'page', 'next', 'continuation', 'sync']);

/** A last word that makes the name about the secret, not the secret: `secretName`, `token_url`, `api_key_id`. */
const ABOUT_WORDS = new Set([
  'id',
  'ids',
  'name',
  'names',
  'length',
  'len',
  'size',
  'count',
  'counts',
  'url',
  'uri',
  'endpoint',
  'file',
  'path',
  'dir',
  'type',
  'types',
  'kind',
  'field',
  'fields',
  'header',
  'env',
  'var',
  'ref',
  'present',
  'configured',
  'set',
  'prefix',
  'suffix',
  'hint',
  'label',
  'rotated',
  'rotation',
  'at',
  'expiry',
  'expires',
  'ttl',
  'version',
  'enabled',
  'required',
  'policy',
  'format',
  'mode',
  'pattern',
  'placeholder',
  'description',
  'scope',
  'scopes',
  'provider',
  'source',
  'index',
  'max',
  'min',
  'limit',
  'status',
  'valid',
  'issued',
  'created',
  'updated',
  'fingerprint',
  'algorithm',
  'alg',
  'usage',
  'owner',
  'user',
  'username',
  'login',
  'email',
  'hash',
  'digest',
  'redacted',
  'redactions',
  'error',
  'reset',
  'strength',
  'manager',
  'store',
]);

const cache = new Map<string, boolean>();
const CACHE_LIMIT = 4_096;

/** The words of a name: `awsSecretAccessKey`, `AWS_SECRET_ACCESS_KEY`, `x-api-key`, `spring.datasource.password`. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function decide(name: string): boolean {
  const words = nameWords(name);
  if (!words.length || words.length > 12) return false;
  const last = words[words.length - 1]!;
  if (ABOUT_WORDS.has(last)) return false;
  // `hasGithubToken`, `isSecret`: a flag about the secret.
  if (words.length > 1 && (words[0] === 'has' || words[0] === 'is')) return false;
  if (words.some((word) => PUBLIC_QUALIFIERS.has(word))) return false;
  if (words.some((word) => SECRET_WORDS.has(word))) return true;
  if (SECRET_LAST_WORDS.has(last)) return true;
  if (last === 'key' || last === 'keys') return words.length > 1 && KEY_QUALIFIERS.has(words[words.length - 2]!);
  // Joined words (`APIKEY`, `dbpassword`, `mysecret`) and plurals.
  const joined = words.join('');
  return /passw|secret|passphrase|credential|apikey|accesskey|privatekey|authtoken|accesstoken/.test(joined);
}

/** True when a value under this name is a secret whatever it looks like. */
export function isSecretName(name: string): boolean {
  if (name.length > 120) return false;
  let known = cache.get(name);
  if (known === undefined) {
    known = decide(name);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(name, known);
  }
  return known;
}

/** Lower-case substrings one of which every secret-like name contains: a cheap pre-check for text. */
export const NAME_KEYWORDS = ['pass', 'pwd', 'pw', 'secret', 'cred', 'key', 'token', 'auth', 'cookie', 'bearer', 'dsn'];
