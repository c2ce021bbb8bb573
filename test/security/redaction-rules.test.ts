import { describe, expect, it } from 'vitest';
import { SECRET_RULES } from '../../src/redaction/rules';
import { redactSecrets } from '../../src/redaction/secrets';
import { isSecretName } from '../../src/redaction/secret-names';
import { redactText, redactValue } from '../../src/redaction/redact';
import { redactAuditEntry } from '../../src/redaction/audit-entry';
import { declarationOf } from '../../src/redaction/exposure';
import { summarizeDiff } from '../../src/redaction/diff-summary';
import { tailOfLog } from '../../src/github/log-tail';
import { leaks, namedSecret, secretCorpus, SECRET_NAMES } from './redaction-corpus';

const SEED = 2_207;
const corpus = secretCorpus(SEED);
const everyNeedle = corpus.flatMap((secret) => secret.needles);

/** A pattern's source without escapes and character classes, where only real quantifiers remain. */
function quantifiersOf(pattern: string): string {
  return pattern.replace(/\\./g, 'x').replace(/\[(?:[^\]\\]|\\.)*\]/g, 'x');
}

describe('the rule set (data adapted from gitleaks)', () => {
  it('every rule compiles in JavaScript, names its source and keywords, and bounds every quantifier', () => {
    expect(SECRET_RULES.length).toBeGreaterThan(30);
    for (const rule of SECRET_RULES) {
      expect(() => new RegExp(rule.pattern, rule.caseless ? 'gi' : 'g'), rule.source).not.toThrow();
      expect(rule.source, rule.pattern).toBeTruthy();
      expect(rule.keywords.length, rule.source).toBeGreaterThan(0);
      for (const keyword of rule.keywords) expect(keyword, rule.source).toBe(keyword.toLowerCase());
      const bare = quantifiersOf(rule.pattern);
      // No `*`, `+` or open `{n,}`: every repetition has an upper bound.
      expect(bare, `${rule.source}: unbounded quantifier in ${rule.pattern}`).not.toMatch(/[*+]|\{\d+,\}/);
      // No quantified group that itself holds a quantifier (the shape of catastrophic backtracking).
      expect(bare, `${rule.source}: nested quantifier in ${rule.pattern}`).not.toMatch(
        /\((?:[^()]*\{\d+(?:,\d+)?\}[^()]*)\)(?:\{\d+,\d*\}|\?)/,
      );
      expect(rule.pattern, `${rule.source} relies on \\b`).not.toContain('\\b');
    }
  });

  it('finishes on adversarial near-misses of every rule (no catastrophic backtracking)', () => {
    const inputs = [
      'A'.repeat(20_000),
      'AKIA'.repeat(5_000),
      'ghp_'.repeat(5_000),
      `${'eyJ'.repeat(3_000)}.`,
      `${'a:'.repeat(5_000)}@`,
      `password${' '.repeat(5_000)}=`,
      `-----BEGIN ${'RSA '.repeat(3_000)}`,
      `${'x'.repeat(10_000)}://${'u:'.repeat(3_000)}`,
      `bearer ${'aB1'.repeat(5_000)}`,
    ];
    for (const input of inputs) expect(typeof redactSecrets(input).text).toBe('string');
  });
});

describe('one pass over whole documents', () => {
  it('finds every corpus secret as a value, glued to letters or `_`, and inside a sentence', () => {
    for (const secret of corpus) {
      for (const text of [secret.text, `x_${secret.text}_y`, `abc${secret.text}def`, `use ${secret.text} now`]) {
        const { value } = redactValue({ note: text });
        expect(leaks(JSON.stringify(value), secret.needles), `${secret.kind}: ${text}`).toEqual([]);
      }
    }
  });

  it('redacts secrets used as object keys, and keeps the document shape', () => {
    const keys = corpus.filter((s) => !s.text.includes('\n')).map((s) => s.text);
    const { value, counts } = redactValue({ extra: Object.fromEntries(keys.map((k, i) => [k, i])) });
    expect(leaks(JSON.stringify(value), everyNeedle)).toEqual([]);
    expect(Object.keys((value as { extra: object }).extra)).toHaveLength(keys.length);
    expect(counts.github_token).toBe(6);
  });

  it('redacts any value under a secret-like name, in JSON, in JSON text, in `.env` and YAML lines, and in name/value pairs', () => {
    const plain = namedSecret(SEED);
    for (const name of SECRET_NAMES) {
      const documents = [
        { [name]: plain },
        { nested: { [name]: { deeper: [plain] } } },
        { notes: JSON.stringify({ [name]: plain }) },
        { notes: `{"${name}": "${plain}"}` },
        { notes: `line\n${name}=${plain}\nnext` },
        { notes: `${name}: ${plain}` },
        { notes: `const ${name.replace(/-/g, '_')} = '${plain}';` },
        { env: [{ name, value: plain }] },
      ];
      for (const document of documents) {
        const { value, counts } = redactValue(document);
        expect(JSON.stringify(value), `${name}: ${JSON.stringify(document)}`).not.toContain(plain);
        expect(counts.assignment, JSON.stringify(document)).toBeGreaterThan(0);
      }
    }
  });

  it('leaves names that are about a secret, and ordinary code, alone', () => {
    for (const name of ['secretName', 'token_url', 'api_key_id', 'tokens', 'maxTokens', 'hasGithubToken', 'key'])
      expect(isSecretName(name), name).toBe(false);
    const doc = { secretName: 'GITHUB_TOKEN', maxTokens: 'many', redactions: { github_token: 2 }, key: 'abc' };
    expect(redactValue(doc).value).toBe(doc);
    const code =
      "const token = c.req.header('x-api-key');\nconst password = process.env.DB_PASSWORD;\nconst apiKey = config.apiKey;\n  password: string;";
    expect(redactSecrets(code).text).toBe(code);
  });

  it('finds an AWS secret key next to its key id, across the fields of one document', () => {
    const pair = corpus.find((s) => s.kind === 'aws_key_pair')!;
    const [id, secretKey] = pair.text.split(' ');
    const { value, counts } = redactValue({ a: { id }, list: ['x', secretKey] });
    expect(JSON.stringify(value)).not.toContain(secretKey);
    expect(counts).toMatchObject({ aws_access_key: 1, aws_secret_key: 1 });
    // Without a key id nearby (and no secret name) a 40-character string is not taken for one.
    expect(redactValue({ list: [secretKey] }).total).toBe(0);
  });

  it('redacts a private key split over the items of an array or the fields of an object, to its footer only', () => {
    const pem = corpus.find((s) => s.kind === 'private_key')!;
    const lines = pem.text.split('\n');
    const asArray = redactValue({ lines: [...lines, 'after the key'] });
    expect(leaks(JSON.stringify(asArray.value), pem.needles)).toEqual([]);
    expect((asArray.value as { lines: string[] }).lines.at(-1)).toBe('after the key');
    const asFields = redactValue(Object.fromEntries(lines.map((line, i) => [`f${i}`, line])));
    expect(leaks(JSON.stringify(asFields.value), pem.needles)).toEqual([]);
    // A text that starts inside a block (a cut log) is redacted up to the footer.
    const tail = lines.slice(2).join('\n');
    expect(leaks(redactText(tail).value, pem.needles)).toEqual([]);
  });

  it('redacts a multi-line key in a workflow log tail as one text, before the tail is cut into lines', () => {
    const pem = corpus.find((s) => s.kind === 'private_key')!;
    const log = pem.text
      .split('\n')
      .map((line) => `2026-12-06T01:02:03.0000000Z ${line}`)
      .concat(['2026-12-06T01:02:04.0000000Z ##[error]Process completed with exit code 1.'])
      .join('\n');
    const tail = tailOfLog({ text: log, cut: false }, 4);
    expect(leaks(tail.lines.join('\n'), pem.needles)).toEqual([]);
  });

  it('keeps secrets out of an audit entry (summary, target, detail such as file names and headers), with counts', () => {
    const token = corpus.find((s) => s.kind === 'github_token')!.text;
    const entry = redactAuditEntry({
      action: 'index.reindex',
      target: `repo:${token}`,
      summary: `file ${token}.pem synced`,
      detail: { delivery: token, file: `keys/${token}.txt`, redactions: { assignment: 1 } },
    });
    expect(JSON.stringify(entry)).not.toContain(token);
    expect(entry.detail!.redactions).toEqual({ assignment: 1, github_token: 4 });
  });
});

describe('no code to the gpt client', () => {
  it('a signature is the line that declares the symbol, cut at its body; a window inside a body has none', () => {
    expect(declarationOf('function f() { return BODY_1; }', 'f').signature).toBe('function f()');
    expect(declarationOf('export const g = (a: number) => a * BODY_2;', 'g').signature).toBe(
      'export const g = (a: number) =>',
    );
    expect(declarationOf('const LIMIT = BODY_3;', 'LIMIT').signature).toBe('const LIMIT');
    expect(declarationOf('def h(x): return BODY_4', 'h').signature).toBe('def h(x):');
    expect(declarationOf('  const y = BODY_5(z);\n  return y;\n}', 'outer').signature).toBeNull();
    expect(declarationOf('  return BODY_6;\n}', 'outer').signature).toBeNull();
  });

  it('a diff becomes files, hunk ranges and counts', () => {
    const diff =
      'diff --git a/src/a.ts b/src/a.ts\n--- a/src/a.ts\n+++ b/src/a.ts\n@@ -1,3 +1,4 @@ function a() {\n const x = 1;\n-old();\n+neu();\n+more();\n';
    expect(summarizeDiff(diff)).toEqual({
      files: [{ path: 'src/a.ts', added: 2, removed: 1, hunks: ['@@ -1,3 +1,4 @@'] }],
      truncated: false,
    });
  });
});
