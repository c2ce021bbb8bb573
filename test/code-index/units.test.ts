import { describe, expect, inject, it } from 'vitest';
import { redactSecrets, isSecretFile, entropy } from '../../src/redaction/secrets';
import { IgnoreRules } from '../../src/code-index/pipeline/ignore';
import { skipReasonFor, decodeText, looksGenerated } from '../../src/code-index/pipeline/filter';
import { boundedSnippet } from '../../src/code-index/ranking/rank';
import { LocalHashingEmbedder } from '../../src/code-index/embedding/embedder';
import { codeTokens } from '../../src/code-index/ranking/tokens';
import { OpenAIEmbedder } from '../../src/code-index/embedding/openai';
import { ftsQuery } from '../../src/code-index/store/repo-index-store';
import { loadIndexConfig } from '../../src/code-index/config';
import { signGitHubPayload, verifyGitHubSignature } from '../../src/code-index/source/webhook-signature';

describe('secret scanner', () => {
  it('redacts cloud keys, tokens, private key blocks and high-entropy assignments, keeping line numbers', () => {
    const text = [
      "const aws = 'AKIAIOSFODNN7EXAMPLQ';",
      'token: ghp_0123456789abcdefghijABCDEFGHIJ012345',
      'slack = "xoxb-1234567890-abcdefghij"',
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      'b3BlbnNzaC1rZXktdjEAAAAA',
      '-----END OPENSSH PRIVATE KEY-----',
      'client_secret = "f8Kq2ZpL0xT7vN3mR9sW"',
      'db = "postgres://admin:hunter2pass@db.internal:5432/app"',
      'jwt = eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      'const sk = "sk-proj-abcdefghijklmnopqrstuvwxyz012345"',
      'after = 1',
    ].join('\n');
    const { text: out, redactions } = redactSecrets(text);
    expect(out.split('\n')).toHaveLength(text.split('\n').length);
    for (const secret of [
      'AKIAIOSFODNN7EXAMPLQ',
      'ghp_0123456789',
      'xoxb-1234567890',
      'b3BlbnNzaC1rZXktdjEAAAAA',
      'f8Kq2ZpL0xT7vN3mR9sW',
      'hunter2pass',
      'eyJhbGciOiJIUzI1NiJ9',
      'sk-proj-abcdef',
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(redactions.map((r) => `${r.line}:${r.kind}`)).toEqual([
      '1:aws_access_key',
      '2:github_token',
      '3:slack_token',
      '4:private_key',
      '7:assignment',
      '8:url_credentials',
      '9:jwt',
      '10:openai_key',
    ]);
    expect(out.split('\n')[10]).toBe('after = 1');
  });

  it('leaves ordinary code alone', () => {
    const code =
      "const token = c.req.header('x-api-key');\nconst password = process.env.DB_PASSWORD;\nconst secretName = 'GITHUB_WEBHOOK_SECRET';\nconst apiKey = config.apiKey;";
    expect(redactSecrets(code)).toEqual({ text: code, redactions: [], openBlock: false });
    expect(entropy('aaaa')).toBe(0);
  });

  it('recognises deny-listed files', () => {
    for (const path of [
      '.env',
      'app/.env.production',
      '.dev.vars',
      'certs/server.key',
      'id_ed25519',
      'home/.aws/credentials',
      'service-account-prod.json',
      '.npmrc',
    ]) {
      expect(isSecretFile(path), path).toBe(true);
    }
    for (const path of ['src/env.ts', 'docs/keys.md', 'src/secrets.ts']) expect(isSecretFile(path), path).toBe(false);
  });
});

describe('.hezlepignore', () => {
  it('follows gitignore rules: anchoring, directories, globs, negation, last match wins', () => {
    const rules = new IgnoreRules(
      ['# comment', '', '*.log', '/build', 'docs/', 'fixtures/**/big-*.json', '!keep.log', 'src/**/generated/'].join(
        '\n',
      ),
    );
    const cases: [string, boolean][] = [
      ['a.log', true],
      ['deep/dir/a.log', true],
      ['keep.log', false],
      ['build/out.js', true],
      ['src/build/x.ts', false],
      ['docs/a.md', true],
      ['pkg/docs/a.md', true],
      ['docs', false],
      ['fixtures/a/b/big-1.json', true],
      ['fixtures/small.json', false],
      ['src/x/generated/y.ts', true],
      ['src/generated.ts', false],
    ];
    for (const [path, ignored] of cases) expect(rules.ignores(path), path).toBe(ignored);
  });
});

describe('file filter', () => {
  const options = { maxFileBytes: 1000, ignore: new IgnoreRules('private/\n') };
  it('says why a file is skipped', () => {
    const cases: [string, number, string | null][] = [
      ['src/app.ts', 10, null],
      ['.env.local', 10, 'secret_file'],
      ['private/a.ts', 10, 'ignored'],
      ['package-lock.json', 10, 'lockfile'],
      ['node_modules/x/index.js', 10, 'vendored'],
      ['dist/app.js', 10, 'generated'],
      ['web/app.min.js', 10, 'generated'],
      ['logo.png', 10, 'binary'],
      ['src/huge.ts', 5000, 'too_large'],
    ];
    for (const [path, size, reason] of cases) expect(skipReasonFor(path, size, options), path).toBe(reason);
  });
  it('detects binary and generated content', () => {
    expect(decodeText(new Uint8Array([0x61, 0x00, 0x62]))).toBeNull();
    expect(decodeText(new Uint8Array([0xff, 0xfe, 0x41]))).toBeNull();
    expect(decodeText(new TextEncoder().encode('héllo'))).toBe('héllo');
    expect(looksGenerated('// Code generated by protoc-gen-go. DO NOT EDIT.\npackage x')).toBe(true);
    expect(looksGenerated('export const x = 1;')).toBe(false);
  });
});

describe('ranking', () => {
  it('bounds snippets and centres them on the question', () => {
    const text = Array.from({ length: 50 }, (_, i) => (i === 30 ? 'const needle = findNeedle();' : `line ${i}`)).join(
      '\n',
    );
    const snippet = boundedSnippet({ startLine: 101, text }, 'find needle', { maxLines: 5, maxChars: 200 });
    expect(snippet.text).toContain('findNeedle');
    expect(snippet.text.split('\n')).toHaveLength(5);
    expect(snippet.endLine - snippet.startLine).toBe(4);
    expect(snippet.truncated).toBe(true);
  });
  it('builds an FTS query from words and identifier parts', () => {
    expect(ftsQuery('where is parseKeyTable?')).toBe(
      '"where" OR "parsekeytable" OR "parse" OR "key" OR "table"'.replace('"where" OR ', ''),
    );
    expect(ftsQuery('?!')).toBeNull();
    // FTS5's unicode61 indexes "Sätteri" as "satteri": the query folds diacritics the same way.
    expect(ftsQuery('update to Sätteri 0.10.x')).toBe('"update" OR "satteri" OR "10"');
  });
});

describe('local embedder', () => {
  it('is deterministic, normalised, and places related code closer', async () => {
    const embedder = new LocalHashingEmbedder();
    const [a, b, c] = await embedder.embed([
      'function parseKeyTable(text) { return keys }',
      'parse the key table',
      'render the invoice PDF',
    ]);
    const again = (await embedder.embed(['function parseKeyTable(text) { return keys }']))[0]!;
    expect(Array.from(a!)).toEqual(Array.from(again));
    const dot = (x: Float32Array, y: Float32Array) => x.reduce((sum, v, i) => sum + v * y[i]!, 0);
    expect(dot(a!, a!)).toBeCloseTo(1, 5);
    expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!));
    expect(codeTokens('getHTTPResponse_code')).toEqual(['get', 'http', 'response', 'code', 'gethttpresponse_code']);
  });
});

describe('OpenAI embedder against an OpenAI-compatible server', () => {
  const server = inject('openaiEmbeddings');
  it('embeds in batches with the configured model and dimensions', async () => {
    await fetch(`${server.url.replace(/\/v1$/, '')}/_stats`, { method: 'DELETE' });
    const embedder = new OpenAIEmbedder({
      apiKey: server.apiKey,
      model: 'text-embedding-3-small',
      baseUrl: server.url,
      dimensions: 64,
      batchSize: 4,
    });
    const vectors = await embedder.embed(Array.from({ length: 10 }, (_, i) => `text ${i}`));
    expect(vectors).toHaveLength(10);
    expect(vectors[0]!.length).toBe(64);
    expect(embedder.id).toBe('openai:text-embedding-3-small:64');
    const stats = (await (await fetch(`${server.url.replace(/\/v1$/, '')}/_stats`)).json()) as {
      calls: { model: string; inputs: number }[];
    };
    expect(stats.calls).toEqual([
      { model: 'text-embedding-3-small', inputs: 4 },
      { model: 'text-embedding-3-small', inputs: 4 },
      { model: 'text-embedding-3-small', inputs: 2 },
    ]);
    const same = await embedder.embed(['text 3']);
    expect(Array.from(same[0]!)).toEqual(Array.from(vectors[3]!));
  });
  it('turns a refused key into an upstream error without leaking it', async () => {
    const embedder = new OpenAIEmbedder({
      apiKey: 'wrong-key-123456',
      model: 'text-embedding-3-small',
      baseUrl: server.url,
      dimensions: 8,
    });
    await expect(embedder.embed(['x'])).rejects.toMatchObject({
      code: 'upstream_error',
      message: expect.not.stringContaining('wrong-key'),
    });
  });
});

describe('index configuration', () => {
  it('defaults to the offline embedder and embedded vectors, and picks OpenAI when keyed', () => {
    expect(loadIndexConfig({ INDEX_REPOS: 'acme/app' })).toMatchObject({
      repos: [{ owner: 'acme', name: 'app', branch: 'main' }],
      embedder: { kind: 'local' },
      vectors: 'embedded',
    });
    expect(
      loadIndexConfig({
        INDEX_REPOS: 'acme/app@dev',
        OPENAI_API_KEY: 'k',
        OPENAI_EMBEDDING_MODEL: 'm',
        OPENAI_BASE_URL: 'http://x/v1',
      }),
    ).toMatchObject({
      repos: [{ branch: 'dev' }],
      embedder: { kind: 'openai', model: 'm', baseUrl: 'http://x/v1' },
    });
  });
  it('fails loudly naming the variable', () => {
    expect(() => loadIndexConfig({ INDEX_REPOS: 'not a repo' })).toThrow(/INDEX_REPOS/);
    expect(() => loadIndexConfig({ INDEX_EMBEDDER: 'openai' })).toThrow(/OPENAI_API_KEY/);
    expect(() => loadIndexConfig({ INDEX_VECTOR_STORE: 'vectorize' })).toThrow(/VECTORIZE/);
    expect(() => loadIndexConfig({ INDEX_EMBEDDER: 'workers-ai' })).toThrow(/AI binding/);
    expect(() => loadIndexConfig({ INDEX_VECTOR_STORE: 'vectorize', INDEX_LOCAL_BINDINGS: 'true' })).toThrow(
      /LOCAL_VECTORIZE/,
    );
  });
  it('selects Vectorize and Workers AI, from Cloudflare or their local implementations', () => {
    expect(loadIndexConfig({ INDEX_REPOS: 'a/b', VECTORIZE: {}, AI: {} })).toMatchObject({
      vectors: 'vectorize',
      embedder: { kind: 'workers-ai' },
      bindings: 'cloudflare',
      vectorizeIndex: 'hezlep-code',
      deployed: true,
    });
    expect(
      loadIndexConfig({
        INDEX_REPOS: 'a/b',
        INDEX_EMBEDDER: 'workers-ai',
        INDEX_VECTOR_STORE: 'vectorize',
        INDEX_LOCAL_BINDINGS: 'true',
        LOCAL_VECTORIZE: {},
        VECTORIZE_INDEX_NAME: 'dev-code',
      }),
    ).toMatchObject({
      vectors: 'vectorize',
      embedder: { kind: 'workers-ai', model: '@cf/baai/bge-small-en-v1.5' },
      bindings: 'local',
      vectorizeIndex: 'dev-code',
      deployed: false,
    });
    expect(() => loadIndexConfig({ VECTORIZE_INDEX_NAME: 'Bad Name' })).toThrow(/VECTORIZE_INDEX_NAME/);
  });
});

describe('webhook signature', () => {
  it('accepts the right HMAC and refuses anything else', async () => {
    const body = '{"ref":"refs/heads/main"}';
    const signature = await signGitHubPayload('s3cret', body);
    expect(await verifyGitHubSignature('s3cret', body, signature)).toBe(true);
    expect(await verifyGitHubSignature('s3cret', `${body} `, signature)).toBe(false);
    expect(await verifyGitHubSignature('other', body, signature)).toBe(false);
    expect(await verifyGitHubSignature('s3cret', body, undefined)).toBe(false);
    expect(await verifyGitHubSignature('s3cret', body, 'sha1=abc')).toBe(false);
  });
});
