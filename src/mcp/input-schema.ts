/** A JSON Schema node, as the OpenAPI document holds it. */
export type JsonSchema = Record<string, unknown>;

/** The parts of an OpenAPI operation a tool's input is made of. */
export interface OperationInput {
  operationId: string;
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: JsonSchema }[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
}

/** A tool's arguments: one flat object, and where each argument goes in the HTTP request. */
export interface ToolInput {
  schema: JsonSchema & { type: 'object'; properties: Record<string, JsonSchema> };
  path: string[];
  query: string[];
  /** Argument names that form the JSON body; null when the operation takes no body. */
  body: string[] | null;
  /** True when the body accepts members its schema does not name (so unknown arguments go there). */
  bodyOpen: boolean;
}

const SCHEMA_REF = '#/components/schemas/';

/**
 * Path, query and JSON body merged into one object schema, with `$ref`s to the document's
 * component schemas inlined (a tool's schema must stand alone). A name used by two parts
 * is a route design the tool cannot express, so it throws and a test names the operation.
 */
export function toolInput(operation: OperationInput, components: Record<string, JsonSchema>): ToolInput {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  const input: ToolInput = { schema: { type: 'object', properties }, path: [], query: [], body: null, bodyOpen: false };
  const add = (name: string, schema: JsonSchema, isRequired: boolean, where: string) => {
    if (name in properties)
      throw new Error(`${operation.operationId}: argument "${name}" is used by two parts of the request (${where})`);
    properties[name] = schema;
    if (isRequired) required.push(name);
  };

  for (const parameter of operation.parameters ?? []) {
    if (parameter.in !== 'path' && parameter.in !== 'query') continue;
    const schema = inline(parameter.schema ?? {}, components);
    if (parameter.description && schema.description === undefined) schema.description = parameter.description;
    add(parameter.name, schema, parameter.in === 'path' || parameter.required === true, parameter.in);
    input[parameter.in].push(parameter.name);
  }

  const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
  if (bodySchema) {
    const body = inline(bodySchema, components);
    const bodyRequired = operation.requestBody?.required === true;
    input.body = [];
    if (body.type === 'object' && body.properties && typeof body.properties === 'object') {
      const names = new Set(Array.isArray(body.required) ? (body.required as string[]) : []);
      for (const [name, schema] of Object.entries(body.properties as Record<string, JsonSchema>)) {
        add(name, schema, bodyRequired && names.has(name), 'body');
        input.body.push(name);
      }
      input.bodyOpen = body.additionalProperties !== false;
    } else {
      // Not an object: the whole body is one argument.
      add('body', body, bodyRequired, 'body');
      input.body.push('body');
    }
  }

  if (required.length) input.schema.required = required;
  if (!input.bodyOpen) input.schema.additionalProperties = false;
  return input;
}

/** A deep copy of `schema` with component `$ref`s replaced by the schema they name (a cycle is left open). */
function inline(schema: JsonSchema, components: Record<string, JsonSchema>, seen: readonly string[] = []): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref === 'string' && ref.startsWith(SCHEMA_REF)) {
    const name = ref.slice(SCHEMA_REF.length);
    const target = components[name];
    if (!target || seen.includes(name)) return {};
    const { $ref: _, ...siblings } = schema;
    return { ...inline(target, components, [...seen, name]), ...inlineMembers(siblings, components, seen) };
  }
  return inlineMembers(schema, components, seen);
}

/** Keywords whose value is a map of name -> schema, and keywords whose value is data, not a schema. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
const DATA = new Set(['enum', 'const', 'default', 'examples', 'required']);

function inlineMembers(
  schema: JsonSchema,
  components: Record<string, JsonSchema>,
  seen: readonly string[],
): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    // OpenAPI's singular `example` is not JSON Schema; `examples` is.
    if (key === 'example') out.examples = [value];
    else if (DATA.has(key)) out[key] = value;
    else if (SCHEMA_MAPS.has(key) && value && typeof value === 'object') {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, member]) => [name, inlineValue(member, components, seen)]),
      );
    } else out[key] = inlineValue(value, components, seen);
  }
  return out;
}

function inlineValue(value: unknown, components: Record<string, JsonSchema>, seen: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => inlineValue(item, components, seen));
  if (value && typeof value === 'object') return inline(value as JsonSchema, components, seen);
  return value;
}
