import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, canonicalJson, chainHash, checkLink, type ChainedFields } from '../../src/audit/chain';

function fields(seq: number, prevHash: string, detail: Record<string, unknown> = {}): ChainedFields {
  return {
    seq,
    at: new Date('2026-11-25T10:00:00.123Z'),
    actorClient: 'gpt',
    actorPerson: null,
    action: 'context.replace',
    target: 'context:default',
    summary: 's',
    detail,
    requestId: 'r1',
    prevHash,
  };
}

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });
  it('encodes equal objects with different key order identically', () => {
    expect(canonicalJson({ x: 1, y: 'é' })).toBe(canonicalJson({ y: 'é', x: 1 }));
  });
  it('refuses non-finite numbers', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/non-finite/);
  });
});

describe('chain links', () => {
  it('accepts an intact pair and rejects each kind of damage', async () => {
    const first = fields(1, GENESIS_HASH);
    const firstHash = await chainHash(first);
    const second = fields(2, firstHash, { k: 'v' });
    const secondRow = { ...second, hash: await chainHash(second) };
    expect(await checkLink({ ...first, hash: firstHash }, undefined)).toBeUndefined();
    expect(await checkLink(secondRow, { seq: 1, hash: firstHash })).toBeUndefined();

    expect(await checkLink({ ...secondRow, summary: 'edited' }, { seq: 1, hash: firstHash })).toMatch(
      /hash does not match/,
    );
    expect(await checkLink({ ...secondRow, detail: { k: 'w' } }, { seq: 1, hash: firstHash })).toMatch(
      /hash does not match/,
    );
    expect(await checkLink(secondRow, { seq: 1, hash: 'f'.repeat(64) })).toMatch(/prev_hash/);
    expect(await checkLink({ ...secondRow, seq: 3 }, { seq: 1, hash: firstHash })).toMatch(/sequence gap/);
    expect(await checkLink({ ...first, prevHash: 'a'.repeat(64), hash: firstHash }, undefined)).toMatch(/genesis/);
  });

  it('hashes are stable for the same content regardless of detail key order', async () => {
    expect(await chainHash(fields(1, GENESIS_HASH, { a: 1, b: 2 }))).toBe(
      await chainHash(fields(1, GENESIS_HASH, { b: 2, a: 1 })),
    );
  });
});
