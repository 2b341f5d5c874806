import { describe, expect, it } from 'vitest';
import { lastAnswer } from '../../src/remembered.ts';

describe('lastAnswer', () => {
  it('answers the same arguments again without computing, and computes for any other', () => {
    const calls: string[] = [];
    const joined = lastAnswer((parts: readonly string[], sep: string) => {
      calls.push(sep);
      return parts.join(sep);
    });
    const parts = ['a', 'b'];
    expect(joined(parts, '-')).toBe('a-b');
    expect(joined(parts, '-')).toBe('a-b');
    expect(calls).toEqual(['-']);
    // An equal array that is another object, or another separator, is another question.
    expect(joined(['a', 'b'], '-')).toBe('a-b');
    expect(joined(parts, '+')).toBe('a+b');
    expect(calls).toEqual(['-', '-', '+']);
  });

  it('keeps only the last answer', () => {
    let computed = 0;
    const length = lastAnswer((text: { value: string }) => (computed++, text.value.length));
    const first = { value: 'one' };
    const second = { value: 'three' };
    length(first);
    length(second);
    length(first);
    expect(computed).toBe(3);
  });
});
