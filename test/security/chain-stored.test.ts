import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { clip } from '../../src/lib/clip';
import { storedDetail, storedField, storedText } from '../../src/audit/stored';
import { canonicalJson } from '../../src/audit/chain';

const wellFormed = (text: string) =>
  !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);

describe('clip: the one cut to a length limit', () => {
  it('never splits a surrogate pair, an emoji sequence, a flag or a letter from its accent', () => {
    expect(clip('ab😀', 3)).toBe('ab');
    expect(clip('a👩‍👩‍👧', 4)).toBe('a');
    expect(clip('🇺🇸🇫🇷', 7)).toBe('🇺🇸');
    expect(clip('cafe\u0301s', 4)).toBe('caf');
    expect(clip('ab😀cd', 5, '…')).toBe('ab😀…');
    expect(clip('ab😀cd', 4, '…')).toBe('ab…');
    expect(clip('short', 10, '…')).toBe('short');
  });

  it('any text cut anywhere: within the limit, a prefix, and well-formed when the input was', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.nat({ max: 60 }), (text, max) => {
        const cut = clip(text, max);
        expect(cut.length).toBeLessThanOrEqual(max);
        expect(text.startsWith(cut)).toBe(true);
        expect(wellFormed(cut)).toBe(true);
      }),
      { numRuns: 500, seed: 22 },
    );
  });

  it('one cluster longer than the limit still gives text, cut on a code point', () => {
    const zalgo = `a${'\u0301'.repeat(50)}`;
    expect(clip(zalgo, 10)).toBe(zalgo.slice(0, 10));
    expect(clip(`${'😀'.repeat(3)}`, 3)).toBe('😀');
  });
});

describe('stored form: what Postgres keeps is what is hashed', () => {
  it('text: lone surrogates and NUL become U+FFFD, as UTF-8 and Postgres would leave them', () => {
    expect(storedText('a\ud800b\udc00\u0000😀')).toBe('a\ufffdb\ufffd\ufffd😀');
    expect(storedField(`${'a'.repeat(499)}😀`, 500)).toBe(`${'a'.repeat(499)}…`);
  });

  it('detail: the JSON the driver sends, with storable strings and keys, prototype names kept as keys', () => {
    const detail = storedDetail({
      when: new Date('2026-01-01T00:00:00Z'),
      gone: undefined,
      zero: -0,
      big: 2 ** 53 + 2,
      ['__proto__']: { 'k\u0000': '\ud800' },
      list: [undefined, 1e21],
    });
    expect(Object.hasOwn(detail, '__proto__')).toBe(true);
    expect(canonicalJson(detail)).toBe(
      '{"__proto__":{"k\ufffd":"\ufffd"},"big":9007199254740994,"list":[null,1e+21],"when":"2026-01-01T00:00:00.000Z","zero":0}',
    );
  });

  it('a value JSON cannot carry is refused, not hashed one way and stored another', () => {
    expect(() => storedDetail({ n: Number.POSITIVE_INFINITY })).toThrow(/finite/);
    expect(() => storedDetail({ n: 1n as unknown as number })).toThrow();
  });

  it('is idempotent: the stored form of a stored form is itself (what verify reads hashes the same)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (value, key) => {
        const once = storedDetail({ [key]: value });
        expect(canonicalJson(storedDetail(JSON.parse(JSON.stringify(once))))).toBe(canonicalJson(once));
      }),
      { numRuns: 100, seed: 22 },
    );
  });
});
