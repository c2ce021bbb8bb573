/**
 * The secret scanner: strings that look like credentials are replaced by `[REDACTED:<kind>]`.
 * The index skips deny-listed files whole and redacts every other file before chunking; the
 * API runs the same scanner on what it stores and on what it sends toward a model (src/redaction/redact.ts).
 */

const SECRET_FILE_PATTERNS: RegExp[] = [
  /(^|\/)\.env(\.[^/]*)?$/i, // .env, .env.local, .env.production
  /(^|\/)\.dev\.vars(\.[^/]*)?$/i, // wrangler's local secrets
  /\.(pem|key|p12|pfx|jks|keystore|ppk|asc|gpg|kdbx)$/i,
  /(^|\/)id_(rsa|dsa|ecdsa|ed25519)(\.pub)?$/i,
  /(^|\/)(credentials|credentials\.json|service[-_]account[^/]*\.json|client_secret[^/]*\.json)$/i,
  /(^|\/)(\.npmrc|\.pypirc|\.netrc|_netrc|\.pgpass|\.htpasswd|\.git-credentials|\.dockercfg)$/i,
  /(^|\/)\.aws\/credentials$/i,
  /(^|\/)\.docker\/config\.json$/i,
  /(^|\/)secrets?\.(json|ya?ml|toml|env)$/i,
];

export function isSecretFile(path: string): boolean {
  return SECRET_FILE_PATTERNS.some((pattern) => pattern.test(path));
}

export type SecretKind =
  | 'private_key'
  | 'aws_access_key'
  | 'github_token'
  | 'slack_token'
  | 'stripe_key'
  | 'google_api_key'
  | 'openai_key'
  | 'anthropic_key'
  | 'jwt'
  | 'url_credentials'
  | 'assignment';

interface Detector {
  kind: SecretKind;
  regex: RegExp;
  /** Which capture group holds the secret (0: the whole match). */
  group?: number;
}

const DETECTORS: Detector[] = [
  {
    kind: 'private_key',
    regex: /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----[\s\S]*?(?:-----END \1-----|$(?![\s\S]))/g,
  },
  { kind: 'aws_access_key', regex: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g },
  { kind: 'github_token', regex: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g },
  { kind: 'slack_token', regex: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g },
  { kind: 'stripe_key', regex: /\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}\b/g },
  { kind: 'google_api_key', regex: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { kind: 'anthropic_key', regex: /\bsk-ant-[A-Za-z0-9_-]{20,}\b/g },
  { kind: 'openai_key', regex: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}\b/g },
  { kind: 'jwt', regex: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g },
  { kind: 'url_credentials', regex: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]+:([^\s@/'"]{3,})@/gi, group: 1 },
];

/** `name = "value"` (or `name: value`) where the name says secret and the value looks random. */
const ASSIGNMENT =
  /([A-Za-z0-9_.-]*(?:secret|token|passw(?:or)?d|pwd|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|auth|credential|signing[_-]?key)[A-Za-z0-9_.-]*)(["']?\s*(?:=|:|=>|:=)\s*)(["'`]?)([^\s"'`,;)}]{8,})\3/gi;

/** Shannon entropy in bits per character. */
export function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

function looksRandom(value: string): boolean {
  if (value.length < 12) return false;
  // Plain words, paths, env lookups and templated values are not secrets.
  if (/^(?:process\.env|env\.|os\.environ|\$\{|\{\{|<|%|this\.|c\.var|config\.)/.test(value)) return false;
  if (/^[a-z]+(?:[._-][a-z]+)*$/i.test(value)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(value)).length;
  return classes >= 2 && entropy(value) >= 3.5;
}

export interface Redaction {
  kind: SecretKind;
  line: number;
}

export interface RedactionResult {
  text: string;
  redactions: Redaction[];
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Replace secret-looking strings with `[REDACTED:<kind>]`, keeping line count intact
 * (a redacted private key block keeps its newlines) so chunk line numbers stay true.
 */
export function redactSecrets(input: string): RedactionResult {
  const redactions: Redaction[] = [];
  let text = input;
  const replaceAll = (regex: RegExp, kind: SecretKind, group = 0) => {
    text = text.replace(regex, (...args: unknown[]) => {
      const match = args[0] as string;
      const offset = args[args.length - 2] as number;
      const secret = (group === 0 ? match : (args[group] as string)) ?? match;
      if (secret.startsWith('[REDACTED')) return match;
      redactions.push({ kind, line: lineAt(text, offset) });
      const newlines = '\n'.repeat((secret.match(/\n/g) ?? []).length);
      return match.replace(secret, `[REDACTED:${kind}]${newlines}`);
    });
  };
  for (const detector of DETECTORS) replaceAll(detector.regex, detector.kind, detector.group);
  text = text.replace(ASSIGNMENT, (match, name: string, op: string, quote: string, value: string, offset: number) => {
    if (value.startsWith('[REDACTED') || !looksRandom(value)) return match;
    redactions.push({ kind: 'assignment', line: lineAt(text, offset) });
    return `${name}${op}${quote}[REDACTED:assignment]${quote}`;
  });
  redactions.sort((a, b) => a.line - b.line);
  return { text, redactions };
}
