import { describe, expect, it } from 'vitest';
import { toolInput } from '../../src/mcp/input-schema';

const components = {
  Note: {
    type: 'object',
    properties: { text: { type: 'string', example: 'hi' }, next: { $ref: '#/components/schemas/Note' } },
  },
  Body: {
    type: 'object',
    required: ['note'],
    properties: { note: { $ref: '#/components/schemas/Note' }, example: { type: 'string', enum: ['a', 'b'] } },
    additionalProperties: false,
  },
};

describe('toolInput', () => {
  it('merges path, query and body into one object, inlining $refs and leaving a cycle open', () => {
    const input = toolInput(
      {
        operationId: 'addNote',
        parameters: [
          { name: 'id', in: 'path', schema: { type: 'string' } },
          { name: 'dryRun', in: 'query', description: 'only check', schema: { type: 'boolean' } },
          { name: 'x-trace', in: 'header', schema: { type: 'string' } },
        ],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Body' } } },
        },
      },
      components,
    );
    expect(input.path).toEqual(['id']);
    expect(input.query).toEqual(['dryRun']);
    expect(input.body).toEqual(['note', 'example']);
    expect(input.bodyOpen).toBe(false);
    expect(input.schema.required).toEqual(['id', 'note']);
    expect(input.schema.additionalProperties).toBe(false);
    expect(input.schema.properties.dryRun).toEqual({ type: 'boolean', description: 'only check' });
    // A property named like an OpenAPI keyword stays a property; `example` values become JSON Schema `examples`.
    expect(input.schema.properties.example).toEqual({ type: 'string', enum: ['a', 'b'] });
    expect(input.schema.properties.note).toEqual({
      type: 'object',
      properties: { text: { type: 'string', examples: ['hi'] }, next: {} },
    });
    expect(JSON.stringify(input.schema)).not.toContain('$ref');
  });

  it('an optional body adds no required arguments; an open body takes unknown ones', () => {
    const input = toolInput(
      {
        operationId: 'touch',
        requestBody: {
          content: {
            'application/json': { schema: { type: 'object', required: ['a'], properties: { a: { type: 'string' } } } },
          },
        },
      },
      {},
    );
    expect(input.schema.required).toBeUndefined();
    expect(input.bodyOpen).toBe(true);
    expect(input.schema.additionalProperties).toBeUndefined();
  });

  it('refuses a name used by two parts of the request, naming the operation', () => {
    expect(() =>
      toolInput(
        {
          operationId: 'clash',
          parameters: [{ name: 'id', in: 'path', schema: { type: 'string' } }],
          requestBody: {
            content: { 'application/json': { schema: { type: 'object', properties: { id: { type: 'string' } } } } },
          },
        },
        {},
      ),
    ).toThrow(/clash: argument "id"/);
  });
});
