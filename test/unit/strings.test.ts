// The counts partners read in ninjs (charCount, wordCount) and the render's placeholder check rest on these.
import { describe, expect, it } from 'vitest';
import { codePointCount, occurrencesOf } from '../../src/strings.ts';

describe('codePointCount', () => {
  it('counts a character outside the Basic Multilingual Plane once, as [...text] does', () => {
    for (const text of ['', 'plain text', 'émigré', 'قرار', 'a😀b', '😀😀', '𝔘𝔫𝔦', 'x\u{1F1FA}\u{1F1E6}y'])
      expect(codePointCount(text), text).toBe([...text].length);
  });

  it('counts a lone surrogate as one character, as [...text] does', () => {
    for (const text of ['\uD800', 'a\uD800b', '\uDC00\uD800', 'end\uD83D'])
      expect(codePointCount(text)).toBe([...text].length);
  });
});

describe('occurrencesOf', () => {
  it('counts as split does, less one, for one character and for longer needles, without overlaps', () => {
    const cases: [string, string][] = [
      ['', ' '],
      ['one two  three ', ' '],
      ['aaaa', 'aa'],
      ['bsunsub1 … bsunsub1', 'bsunsub1'],
      ['no match here', 'zz'],
    ];
    for (const [text, needle] of cases)
      expect(occurrencesOf(text, needle), `${needle} in ${text}`).toBe(text.split(needle).length - 1);
  });

  it('refuses an empty needle rather than counting forever', () => {
    expect(() => occurrencesOf('text', '')).toThrow(RangeError);
  });
});
