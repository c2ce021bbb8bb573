/**
 * Planted, test-only credentials in every shape the scanner must know, built from a seeded stream so that
 * each run plants new values. `needles` are what must never come back verbatim (for a private key: each
 * line of its body, since a body line alone is still the key).
 */
export interface PlantedSecret {
  kind: string;
  /** The text as planted (a PEM block spans lines). */
  text: string;
  needles: string[];
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALNUM = `${UPPER}abcdefghijklmnopqrstuvwxyz0123456789`;
const BASE64 = `${ALNUM}+/`;
const BASE32 = `${UPPER}234567`;

/** A small deterministic generator (mulberry32) so a failing seed replays the same corpus. */
export function randomSource(seed: number): (alphabet: string, length: number) => string {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (alphabet, length) => {
    // Every class present: a real token mixes letters and digits.
    for (;;) {
      let out = '';
      for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)];
      const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((re) => re.test(out)).length;
      if (classes >= Math.min(3, [/[a-z]/, /[A-Z]/, /[0-9]/].filter((re) => re.test(alphabet)).length)) return out;
    }
  };
}

export function secretCorpus(seed: number): PlantedSecret[] {
  const rand = randomSource(seed);
  const one = (kind: string, text: string): PlantedSecret => ({ kind, text, needles: [text] });
  const pemBody = Array.from({ length: 4 }, (_, i) => (i === 0 ? `MIIEow${rand(BASE64, 58)}` : rand(BASE64, 64)));
  const awsSecret = rand(BASE64, 40);
  const urlPassword = rand(ALNUM, 14);
  const envValue = rand(ALNUM, 18);
  return [
    one('aws_access_key', `AKIA${rand(BASE32, 16)}`),
    { kind: 'aws_key_pair', text: `AKIA${rand(BASE32, 16)} ${awsSecret}`, needles: [awsSecret] },
    ...['ghp', 'gho', 'ghu', 'ghs', 'ghr'].map((prefix) => one('github_token', `${prefix}_${rand(ALNUM, 36)}`)),
    one('github_token', `github_pat_${rand(ALNUM, 22)}_${rand(ALNUM, 59)}`),
    one('slack_token', `xoxb-${rand('0123456789', 12)}-${rand('0123456789', 12)}-${rand(ALNUM, 24)}`),
    one('slack_token', `xoxp-${rand('0123456789', 11)}-${rand('0123456789', 11)}-${rand(ALNUM, 30)}`),
    one('stripe_key', `sk_live_${rand(ALNUM, 24)}`),
    one('stripe_key', `rk_test_${rand(ALNUM, 24)}`),
    one('google_api_key', `AIza${rand(`${ALNUM}_-`, 35)}`),
    one('jwt', `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ${rand(ALNUM, 40)}.${rand(`${ALNUM}_-`, 43)}`),
    {
      kind: 'private_key',
      text: `-----BEGIN RSA PRIVATE KEY-----\n${pemBody.join('\n')}\n-----END RSA PRIVATE KEY-----`,
      needles: pemBody,
    },
    {
      kind: 'private_key',
      text: `----- BEGIN  PRIVATE KEY -----\r\n${pemBody.join('\r\n')}\r\n-----END PRIVATE KEY-----`,
      needles: pemBody,
    },
    {
      kind: 'url_credentials',
      text: `postgres://app:${urlPassword}@db.internal:5432/app`,
      needles: [urlPassword],
    },
    { kind: 'url_credentials', text: `redis://:${urlPassword}x@cache:6379/0`, needles: [`${urlPassword}x`] },
    { kind: 'env_line', text: `DB_PASSWORD=${envValue}`, needles: [envValue] },
    { kind: 'env_line', text: `export AWS_SECRET_ACCESS_KEY=${awsSecret}`, needles: [awsSecret] },
  ];
}

/** An arbitrary value (no shape a scanner could know): secret only because of the name it sits under. */
export function namedSecret(seed: number): string {
  return `pw-${randomSource(seed ^ 0x5eed)(ALNUM, 16)}`;
}

export const SECRET_NAMES = [
  'password',
  'aws_secret_access_key',
  'client_secret',
  'api_key',
  'token',
  'x-api-key',
  'DB_PASSWORD',
  'githubToken',
  'privateKey',
];

/** Every needle found verbatim in a text. */
export function leaks(text: string, needles: readonly string[]): string[] {
  return needles.filter((needle) => text.includes(needle));
}
