import { SELF } from 'cloudflare:test';
import { Validator, type Schema } from '@cfworker/json-schema';

/**
 * The API document as a contract: every response a test sees through `call` is checked against
 * /openapi.json (documented status, content type and body schema). An undocumented answer fails
 * the test that provoked it, so the document cannot drift from what the service does.
 */

type Operation = { responses: Record<string, { content?: Record<string, { schema?: Schema }> }> };
type OpenApiDocument = {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
};

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  operation: Operation;
}

const DOCUMENT_ID = 'urn:hezlep:openapi';
let loaded: Promise<{ document: OpenApiDocument; routes: Route[] }> | undefined;

export function openApiDocument(): Promise<{ document: OpenApiDocument; routes: Route[] }> {
  loaded ??= (async () => {
    const response = await SELF.fetch('http://hezlep.test/openapi.json');
    const document = (await response.json()) as OpenApiDocument;
    const routes: Route[] = [];
    for (const [template, item] of Object.entries(document.paths)) {
      const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
      for (const [method, operation] of Object.entries(item))
        routes.push({ method: method.toUpperCase(), template, pattern, operation });
    }
    return { document, routes };
  })();
  return loaded;
}

/** `#/components/...` references point into the registered document. */
function anchorRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(anchorRefs);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith('#/')
        ? `${DOCUMENT_ID}${value}`
        : anchorRefs(value),
    ]),
  );
}

const validators = new Map<string, Validator>();
function validatorFor(document: OpenApiDocument, key: string, schema: Schema): Validator {
  let validator = validators.get(key);
  if (!validator) {
    validator = new Validator(anchorRefs(schema) as Schema, '2020-12', false);
    validator.addSchema({ ...(document as unknown as Schema), $id: DOCUMENT_ID });
    validators.set(key, validator);
  }
  return validator;
}

/** Problems with one response against the document; empty when it conforms or the path is not an operation. */
export async function contractViolations(
  method: string,
  path: string,
  status: number,
  contentType: string | null,
  body: unknown,
): Promise<string[]> {
  const { document, routes } = await openApiDocument();
  const pathname = new URL(path, 'http://hezlep.test').pathname;
  const route = routes.find((r) => r.method === method.toUpperCase() && r.pattern.test(pathname));
  if (!route) return [];
  const where = `${method} ${route.template} -> ${status}`;
  const documented = route.operation.responses[String(status)] ?? route.operation.responses.default;
  if (!documented)
    return [`${where}: status not documented (documented: ${Object.keys(route.operation.responses).join(', ')})`];
  if (!documented.content || status === 101) return [];
  const mediaType = (contentType ?? '').split(';')[0]!.trim();
  const media = documented.content[mediaType];
  if (!media)
    return [
      `${where}: content type "${mediaType}" not documented (documented: ${Object.keys(documented.content).join(', ')})`,
    ];
  if (!media.schema) return [];
  const result = validatorFor(
    document,
    `${route.method} ${route.template} ${status} ${mediaType}`,
    media.schema,
  ).validate(body);
  if (result.valid) return [];
  return result.errors.slice(0, 8).map((e) => `${where}: ${e.instanceLocation} ${e.keyword}: ${e.error}`);
}
