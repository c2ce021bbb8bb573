import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { call, type CallResult } from '../support/http';
import { openApiDocument } from '../support/contract';
import { mustOpen } from '../support/listener';
import { mcpClient } from '../support/mcp';
import { scenario } from '../intents/helpers';
import type { TestIdentity } from '../support/keys';
import { leaks, namedSecret, secretCorpus, type PlantedSecret } from './redaction-corpus';

/**
 * Adversarial documents through every write route of the OpenAPI document: a corpus of secrets placed as
 * values, glued to other text, in sentences, as object keys, under secret-like names (in JSON, in JSON text,
 * in `.env` lines), split over array items and fields, and JSON-escaped. Afterwards no secret may come back
 * verbatim to the gpt client on any route, event or MCP tool, resource or prompt, nor enter the audit log,
 * the logs or an MCP answer of another key; redaction counts appear instead. Bounded by run count; the seed
 * is fixed, and a failure names it (fast-check prints the counterexample).
 */

const SEED = 22_022;
const RUNS = 3;
const DEBUG = false;
const WRITERS: TestIdentity[] = ['gpt', 'cursor', 'human'];
const PLACEMENTS = ['value', 'glued', 'sentence', 'named-json', 'env-line', 'escaped'] as const;
type Placement = (typeof PLACEMENTS)[number];

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  additionalProperties?: unknown;
  required?: string[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
};
type Parameter = { name: string; in: string };
type Operation = { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> } };

interface Plant {
  secret: PlantedSecret;
  placement: Placement;
  named: string;
  /** An object's worth of secrets: as keys, under names, split over items and fields. */
  object: Record<string, unknown>;
  /** The same without secrets as keys. */
  namedObject: Record<string, unknown>;
  needles: string[];
}

function textFor(plant: Plant): string {
  const { secret, named } = plant;
  switch (plant.placement) {
    case 'glued':
      return `x_${secret.text}_y`;
    case 'sentence':
      return `deploy with ${secret.text} now`;
    case 'named-json':
      return `{"client_secret": "${named}", "note": "${secret.text.replace(/\r?\n/g, '\\n')}"}`;
    case 'env-line':
      return `notes\nDB_PASSWORD=${named}\n${secret.text}`;
    default:
      return secret.text;
  }
}

/** A value for one schema: the planted text where the schema admits it, something valid otherwise. */
function valueFor(schema: Schema, plant: Plant, components: Record<string, Schema>, plantText: boolean): unknown {
  const resolved = schema.$ref ? components[schema.$ref.split('/').pop()!]! : schema;
  const type = Array.isArray(resolved.type) ? resolved.type[0] : resolved.type;
  if (resolved.enum) return resolved.enum[0];
  if (type === 'object' && resolved.properties) return bodyFor(resolved, plant, components, plantText);
  // Secrets as keys only when every text is planted: routes that refuse odd keys still store the rest.
  if (type === 'object') return plantText ? plant.object : plant.namedObject;
  if (type === 'integer' || type === 'number') return resolved.minimum ?? 1;
  if (type === 'boolean') return false;
  if (resolved.format === 'date-time') return new Date().toISOString();
  const fits = (text: string) =>
    text.length <= (resolved.maxLength ?? Number.POSITIVE_INFINITY) &&
    text.length >= (resolved.minLength ?? 0) &&
    (!resolved.pattern || new RegExp(resolved.pattern).test(text));
  const free = (resolved.maxLength ?? 0) >= 500;
  for (const text of plantText || free ? [textFor(plant), plainText(plant.secret)] : [])
    if (!resolved.pattern && fits(text)) return text;
  if (fits(plainText(plant.secret))) return plainText(plant.secret);
  // Nothing planted fits (a commit sha, a kind): something valid, or nothing when the field is optional.
  return resolved.example ?? resolved.default;
}

function bodyFor(schema: Schema, plant: Plant, components: Record<string, Schema>, plantText: boolean) {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    if (name === 'version') continue; // compare-and-set would refuse every write after the first
    const value = valueFor(field, plant, components, plantText);
    if (value !== undefined) out[name] = value;
    else if (schema.required?.includes(name)) out[name] = 'x';
  }
  return out;
}

/** The secret on one line: a private key's first body line stands for the key. */
const plainText = (secret: PlantedSecret) => (secret.text.includes('\n') ? secret.needles[0]! : secret.text);

/** Every character as a JSON `\u` escape: the server sees the secret only after parsing. */
const escaped = (text: string) =>
  [...text].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');

const logged: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  logged.length = 0;
});

function captureLogs(): void {
  for (const method of ['log', 'warn', 'error'] as const)
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(' '));
    });
}

function expectNoLeak(where: string, text: string, needles: string[]): void {
  const found = leaks(text, needles);
  const at = found.length ? text.indexOf(found[0]!) : 0;
  expect(found, `${where} leaked a planted secret: …${text.slice(Math.max(0, at - 400), at + 200)}…`).toEqual([]);
}

describe('redaction fuzz over every write route', () => {
  it('no planted secret comes back to the gpt client, an event, an MCP answer, the audit log or the logs', async () => {
    const { document } = await openApiDocument();
    const components = ((document as { components?: { schemas?: Record<string, Schema> } }).components?.schemas ??
      {}) as Record<string, Schema>;
    const operations = Object.entries(document.paths).flatMap(([template, item]) =>
      Object.entries(item).map(([method, op]) => ({ template, method, op: op as unknown as Operation })),
    );
    // /mcp is reached below through its tools, resources and prompts, with the same keys.
    const writes = operations.filter((o) => o.method !== 'get' && o.template.startsWith('/ai/'));
    const reads = operations.filter(
      (o) => o.method === 'get' && o.template.startsWith('/ai/') && o.template !== '/ai/events',
    );
    expect(writes.length).toBeGreaterThanOrEqual(12);

    const plan = fc.record({
      seed: fc.integer({ min: 1, max: 2 ** 30 }),
      picks: fc.array(fc.nat(), { minLength: writes.length, maxLength: writes.length }),
      placements: fc.array(fc.constantFrom(...PLACEMENTS), { minLength: writes.length, maxLength: writes.length }),
    });

    await fc.assert(
      fc.asyncProperty(plan, async ({ seed, picks, placements }) => {
        captureLogs();
        const corpus = secretCorpus(seed);
        const named = namedSecret(seed);
        const pem = corpus.find((s) => s.kind === 'private_key')!;
        const pair = corpus.find((s) => s.kind === 'aws_key_pair')!;
        const [awsId, awsSecret] = pair.text.split(' ') as [string, string];
        const namedObject = {
          password: named,
          nested: { aws_secret_access_key: named, env: [{ name: 'API_TOKEN', value: named }] },
          lines: pem.text.split('\n'),
          id: awsId,
          other: [awsSecret],
        };
        const object = {
          ...Object.fromEntries(corpus.filter((s) => !s.text.includes('\n')).map((s, i) => [s.text, i])),
          ...namedObject,
        };
        const needles = [...new Set([...corpus.flatMap((s) => s.needles), named, awsSecret])];
        const s = scenario({ GITHUB_WEBHOOK_SECRET: 'test-webhook-secret-0123456789' });
        const env = s.env;
        const listener = await mustOpen('', { as: 'gpt', env });
        let intentId: string | undefined;

        const answers: [string, CallResult][] = [];
        for (const [i, { template, method, op }] of writes.entries()) {
          const plant: Plant = {
            secret: corpus[picks[i]! % corpus.length]!,
            placement: placements[i]!,
            named,
            object,
            namedObject,
            needles,
          };
          const path = template.replace(/\{([^}]+)\}/g, (_, name: string) =>
            name === 'id' && intentId ? intentId : encodeURIComponent(plainText(plant.secret)),
          );
          const schema = op.requestBody?.content?.['application/json']?.schema;
          const bodies = schema ? [true, false].map((all) => valueFor(schema, plant, components, all)) : [undefined];
          for (const body of bodies)
            for (const as of WRITERS) {
              const raw = body === undefined ? undefined : JSON.stringify(body);
              const rawBody =
                raw && plant.placement === 'escaped' && !plant.secret.text.includes('\n')
                  ? raw.split(plant.secret.text).join(escaped(plant.secret.text))
                  : raw;
              const result = await call(method.toUpperCase(), path, {
                as,
                env,
                ...(rawBody === undefined ? {} : { rawBody, headers: { 'content-type': 'application/json' } }),
              });
              expect(result.status, `${method} ${template} as ${as}: ${result.text.slice(0, 300)}`).not.toBe(500);
              if (DEBUG) console.info(`${method} ${template} ${as} ${result.status} ${result.text.slice(0, 400)}`);
              if (as === 'gpt') answers.push([`${method} ${template} (gpt)`, result]);
              if (template === '/ai/intents' && result.body?.intent?.id) intentId = result.body.intent.id;
            }
        }

        // Every read the gpt client can make, then the MCP view of the same project.
        for (const { template } of reads) {
          const path = template.replace(/\{([^}]+)\}/g, (_, name: string) => (name === 'id' && intentId) || 'x');
          answers.push([`GET ${template}`, await call('GET', path, { as: 'gpt', env })]);
        }
        for (const path of ['/ai/cursor/session?diff=true', '/ai/context?view=prompt', '/ai/audit?limit=200'])
          answers.push([`GET ${path}`, await call('GET', path, { as: 'gpt', env })]);
        for (const [where, answer] of answers) expectNoLeak(where, answer.text, needles);

        for (const as of ['gpt', 'cursor'] as const) {
          const client = await mcpClient(as, { env });
          const mcp: unknown[] = [];
          for (const name of ['getContext', 'listCursorSessions', 'listIntents', 'getReview', 'listAudit'])
            mcp.push(await client.callTool({ name, arguments: name === 'listCursorSessions' ? { diff: 'true' } : {} }));
          mcp.push(
            await client.callTool({
              name: 'proposeIntent',
              arguments: { kind: 'deploy', target: 'staging', reason: textFor({ ...object0(corpus), named } as Plant) },
            }),
          );
          for (const resource of (await client.listResources()).resources)
            mcp.push(await client.readResource({ uri: resource.uri }));
          for (const prompt of (await client.listPrompts()).prompts)
            mcp.push(await client.getPrompt({ name: prompt.name }));
          await client.close();
          expectNoLeak(`MCP as ${as}`, JSON.stringify(mcp), needles);
        }

        // The audit log keeps counts, never values.
        const audit = await call('GET', '/ai/audit?limit=200', { as: 'human', env });
        expectNoLeak('the audit log', audit.text, needles);
        expect(audit.text, 'no audit entry says what was redacted').toContain('"redactions"');

        await listener.waitFor((m) => m.kind === 'event' && m.topic === 'context', 'a context event');
        listener.close();
        expectNoLeak('the event stream', JSON.stringify(listener.messages), needles);
        expectNoLeak('the logs', logged.join('\n'), needles);
        vi.restoreAllMocks();
        logged.length = 0;
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    // A bound on a hung run, not a timing assertion: each run makes a few hundred calls on a shared machine.
  }, 300_000);
});

/** The first single-line corpus secret as a plant placed in a sentence (for the MCP write). */
function object0(corpus: PlantedSecret[]): Pick<Plant, 'secret' | 'placement'> {
  return { secret: corpus.find((s) => !s.text.includes('\n'))!, placement: 'sentence' };
}
