import { describe, expect, it } from 'vitest';
import { describeError } from '../../src/lib/log';

describe('describeError', () => {
  it("keeps a flat record's fields (the ledger's refused entry logs its SQL state, not [object Object])", () => {
    expect(describeError({ sqlState: '22P05' })).toEqual({ errorDetail: { sqlState: '22P05' } });
  });

  it('gives an Error its name, message and stack, and anything else its string form', () => {
    const described = describeError(new TypeError('bad'));
    expect(described).toMatchObject({ errorName: 'TypeError', errorMessage: 'bad' });
    expect(describeError('plain text')).toEqual({ errorMessage: 'plain text' });
    expect(describeError({ nested: { deep: 1 } })).toEqual({ errorMessage: '[object Object]' });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(describeError(circular)).toEqual({ errorMessage: '[object Object]' });
  });
});
