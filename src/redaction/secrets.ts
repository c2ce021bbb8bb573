/**
 * The secret scanner over one whole text: strings that look like credentials are replaced by
 * `[REDACTED:<kind>]`. Multi-line blocks (private keys) are found on the whole text before anything
 * else, then the rules (rules.ts, data), then bare AWS secret keys next to a key id, then values
 * under secret-like names (secret-names.ts). The index skips deny-listed files whole and redacts
 * every other file before chunking; the API runs the same scanner over whole documents (redact.ts).
 */
import { SECRET_RULES, type SecretKind, type SecretRule } from './rules';
import { isSecretName, NAME_KEYWORDS } from './secret-names';

export type { SecretKind } from './rules';

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

interface CompiledRule extends SecretRule {
  regex: RegExp;
}

const RULES: CompiledRule[] = SECRET_RULES.map((rule) => ({
  ...rule,
  regex: new RegExp(rule.pattern, rule.caseless ? 'gi' : 'g'),
}));

/** Header and footer of a private key block, with any spacing (`----- BEGIN  RSA PRIVATE KEY -----`). */
const BLOCK_BEGIN = /-{2,10}\s{0,10}BEGIN[A-Z0-9_\s-]{0,80}?PRIVATE\s{0,10}KEY(?:\s{0,10}BLOCK)?\s{0,10}-{2,10}/gi;
const BLOCK_END = /-{2,10}\s{0,10}END[A-Z0-9_\s-]{0,80}?PRIVATE\s{0,10}KEY(?:\s{0,10}BLOCK)?\s{0,10}-{2,10}/gi;

const AWS_KEY_ID = /(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}/;
/** A bare AWS secret access key: 40 base64 characters (a run of up to 200, in case text is glued to it). */
const AWS_SECRET = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40,200}(?![A-Za-z0-9/+=])/g;

/**
 * `name = value`, `name: value`, `"name": "value"`, `name => value`: the value is checked only when the
 * name is secret-like. A quoted value is redacted whatever it looks like; an unquoted one when it looks
 * random or stands alone on a `.env`/YAML line.
 */
const ASSIGNMENT =
  /(?<![A-Za-z0-9_.$-])(["'`]?)([A-Za-z_$][A-Za-z0-9_.$-]{0,80})\1[ \t]{0,10}(=>|:=|\?=|=(?!=)|:(?!:))[ \t]{0,10}(?:"((?:[^"\\\n]|\\.){1,500})"|'((?:[^'\\\n]|\\.){1,500})'|`([^`\n]{1,500})`|([^\s"'`,;(){}[\]<>]{1,500}))/g;

const KEYWORDS = new RegExp(
  [...new Set([...RULES.flatMap((rule) => rule.keywords), ...NAME_KEYWORDS, 'begin'])]
    .map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|'),
  'gi',
);

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

const mixesLettersAndDigits = (value: string) => /\d/.test(value) && /[A-Za-z]/.test(value);

/** A quoted value that stands for no secret: empty, a template, a mask, a placeholder. */
function isPlaceholder(value: string): boolean {
  const v = value.trim();
  return (
    v === '' ||
    v.startsWith('[REDACTED') ||
    v.includes('${') ||
    /^(?:\{\{.*\}\}|<[^>]*>|%[sd]|\*+|x+|X+|\.{3}|…|changeme|null|undefined|none)$/i.test(v)
  );
}

/** An unquoted value that is code rather than data: a type, a reference, a call, a statement's end. */
function isCodeLike(value: string): boolean {
  return (
    /[;,(){}]$/.test(value) ||
    /^(?:true|false|null|nil|none|undefined|string|number|boolean|bool|int|str|any|unknown|object|bytes)\??$/i.test(
      value,
    ) ||
    /^(?:process\.env|env\.|os\.environ|\$|this\.|self\.|c\.var|ctx\.|req\.|request\.)/.test(value) ||
    /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(value) ||
    /^\d{1,6}$/.test(value) ||
    value.startsWith('[REDACTED')
  );
}

export interface Redaction {
  kind: SecretKind;
  line: number;
}

export interface RedactionResult {
  text: string;
  redactions: Redaction[];
  /** True when the text ends inside a private key block (its footer is not in this text). */
  openBlock: boolean;
}

export interface ScanContext {
  /** An AWS access key id appears elsewhere in the same document: 40-character base64 strings are secret keys. */
  awsKeyNearby?: boolean;
  /** The text continues a private key block begun in an earlier piece (a line of a log, an array item). */
  inBlock?: boolean;
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

const newlinesOf = (text: string) => '\n'.repeat((text.match(/\n/g) ?? []).length);
const placeholder = (kind: SecretKind) => `[REDACTED:${kind}]`;

/** True when a text could hold anything the scanner looks for (a cheap pre-check). */
export function mayHoldSecret(text: string, context: ScanContext = {}): boolean {
  KEYWORDS.lastIndex = 0;
  return KEYWORDS.test(text) || !!context.inBlock || (!!context.awsKeyNearby && text.length >= 40);
}

/**
 * Replace secret-looking strings with `[REDACTED:<kind>]`, keeping the line count intact
 * (a redacted private key block keeps its newlines) so chunk line numbers stay true.
 */
export function redactSecrets(input: string, context: ScanContext = {}): RedactionResult {
  const redactions: Redaction[] = [];
  if (!mayHoldSecret(input, context)) return { text: input, redactions, openBlock: false };
  const seen = new Set((input.match(KEYWORDS) ?? []).map((word) => word.toLowerCase()));
  const blocks = redactBlocks(input, context, redactions);
  let text = blocks.text;

  for (const rule of RULES) {
    if (!rule.keywords.some((word) => seen.has(word))) continue;
    text = text.replace(rule.regex, (...args: unknown[]) => {
      const match = args[0] as string;
      const offset = args[args.length - 2] as number;
      const secret = rule.group ? (args[rule.group] as string | undefined) : match;
      if (!secret || secret.startsWith('[REDACTED')) return match;
      if (rule.check === 'random' && !mixesLettersAndDigits(secret)) return match;
      if (rule.check === 'glued' && /[A-Za-z0-9]/.test(text[offset - 1] ?? '') && !mixesLettersAndDigits(secret))
        return match;
      redactions.push({ kind: rule.kind, line: lineAt(text, offset) });
      return match.replace(secret, `${placeholder(rule.kind)}${newlinesOf(secret)}`);
    });
  }

  if (context.awsKeyNearby || AWS_KEY_ID.test(input)) {
    text = text.replace(AWS_SECRET, (match: string, offset: number) => {
      if (!/[a-z]/.test(match) || !/[A-Z]/.test(match) || !/\d/.test(match)) return match;
      redactions.push({ kind: 'aws_secret_key', line: lineAt(text, offset) });
      return placeholder('aws_secret_key');
    });
  }

  text = redactAssignments(text, redactions);
  redactions.sort((a, b) => a.line - b.line);
  return { text, redactions, openBlock: blocks.openBlock };
}

/** Private key blocks, header to footer (or to the end of the text when the footer is elsewhere). */
function redactBlocks(input: string, context: ScanContext, redactions: Redaction[]) {
  let out = '';
  let last = 0;
  let openBlock = false;
  BLOCK_END.lastIndex = 0;
  const firstEnd = BLOCK_END.exec(input);
  BLOCK_BEGIN.lastIndex = 0;
  const firstBegin = firstEnd ? BLOCK_BEGIN.exec(input) : null;
  // A footer before any header: the text starts inside a block (a log cut in the middle of a key).
  if (context.inBlock || (firstEnd && (!firstBegin || firstEnd.index < firstBegin.index))) {
    const end = firstEnd;
    last = end ? end.index + end[0].length : input.length;
    out = `${placeholder('private_key')}${newlinesOf(input.slice(0, last))}`;
    openBlock = !end;
  }
  BLOCK_BEGIN.lastIndex = last;
  for (let begin = BLOCK_BEGIN.exec(input); begin; begin = BLOCK_BEGIN.exec(input)) {
    BLOCK_END.lastIndex = begin.index + begin[0].length;
    const end = BLOCK_END.exec(input);
    const stop = end ? end.index + end[0].length : input.length;
    redactions.push({ kind: 'private_key', line: lineAt(input, begin.index) });
    out += `${input.slice(last, begin.index)}${placeholder('private_key')}${newlinesOf(input.slice(begin.index, stop))}`;
    last = stop;
    openBlock = !end;
    BLOCK_BEGIN.lastIndex = stop;
  }
  return { text: last ? out + input.slice(last) : input, openBlock };
}

function redactAssignments(text: string, redactions: Redaction[]): string {
  return text.replace(ASSIGNMENT, (...args: unknown[]) => {
    const [match, , name, , double, single, backtick, bare] = args as (string | undefined)[];
    const offset = args[8] as number;
    if (!isSecretName(name!.replace(/^\$/, ''))) return match!;
    const quoted = double ?? single ?? backtick;
    const value = quoted ?? bare!;
    if (quoted !== undefined) {
      if (isPlaceholder(quoted)) return match!;
    } else if (!looksRandom(value) && (!onItsOwnLine(text, offset, offset + match!.length) || isCodeLike(value))) {
      return match!;
    }
    redactions.push({ kind: 'assignment', line: lineAt(text, offset) });
    const end = quoted !== undefined ? match!.length - 1 : match!.length;
    return `${match!.slice(0, end - value.length)}${placeholder('assignment')}${match!.slice(end)}`;
  });
}

/** `NAME=value` or `name: value` alone on its line (a `.env` or YAML line), `export` allowed in front. */
function onItsOwnLine(text: string, start: number, end: number): boolean {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const lineEnd = text.indexOf('\n', end);
  return (
    /^[ \t]*(?:export[ \t]+)?$/.test(text.slice(lineStart, start)) &&
    /^[ \t\r]*$/.test(text.slice(end, lineEnd === -1 ? text.length : lineEnd))
  );
}
