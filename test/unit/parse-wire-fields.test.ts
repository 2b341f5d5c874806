// Front matter `genre`, `urgency`, `dateline` and `aiAssistance`: what partners are told of the piece itself. Each is
// read only when the editorial gives it, and a value partners could not use is rejected with its line and a reason.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { Editorial } from '../../src/model.ts';
import { parseEditorial } from '../../src/parse/index.ts';

const config = loadConfig();

const FILE = '2026-06-01-wire-fields.md';

/** Line 1 is "---", so the field given first is on line 2. */
const parse = (fields: string) =>
  parseEditorial(
    FILE,
    new TextEncoder().encode(
      `---\n${fields}\ntitle: The harbour talks\nprovenance: [https://t.me/harbour_watch]\n---\n\nThe body.\n`,
    ),
    { publication: 'Monexus', defaultLang: 'en', limits: config.limits },
  );

function parsed(fields: string): Editorial {
  const result = parse(fields);
  if (!result.ok) throw new Error(`expected an editorial, got: ${result.rejection.reason}`);
  return result.editorial;
}

function rejection(fields: string) {
  const result = parse(fields);
  if (result.ok) throw new Error('expected a rejection');
  return result.rejection;
}

describe('front matter for partners: genre, urgency, dateline, aiAssistance', () => {
  it('reads each field the editorial gives', () => {
    const editorial = parsed('genre: Opinion\nurgency: 3\ndateline: "Niamey, Niger"\naiAssistance: generative');
    expect(editorial).toMatchObject({ genre: 'opinion', urgency: 3, dateline: 'Niamey, Niger' });
    expect(editorial.aiAssistance).toBe('generative');
  });

  it('leaves every one of them absent when the editorial says nothing', () => {
    const editorial = parsed('author: Monexus Desk');
    for (const field of ['genre', 'urgency', 'dateline', 'aiAssistance']) expect(editorial).not.toHaveProperty(field);
    expect(parsed('dateline: "\u2067\u2069"')).not.toHaveProperty('dateline');
  });

  it('accepts each declared production and both genres', () => {
    for (const value of ['none', 'algorithmic', 'generative-edits', 'generative'])
      expect(parsed(`aiAssistance: ${value}`).aiAssistance).toBe(value);
    for (const value of ['analysis', 'opinion']) expect(parsed(`genre: ${value}`).genre).toBe(value);
    for (const value of [1, 5, 9]) expect(parsed(`urgency: ${value}`).urgency).toBe(value);
  });

  it.each([
    ['genre: news', /^the front matter field "genre" is "news": it must be analysis \(the default\) or opinion\.$/],
    ['urgency: 0', /^the front matter field "urgency" is "0": it must be a whole number from 1 \(most urgent\) to 9/],
    ['urgency: 10', /"urgency" is "10": it must be a whole number from 1/],
    ['urgency: 2.5', /"urgency" is "2\.5": it must be a whole number from 1/],
    ['urgency: high', /"urgency" is "high": it must be a whole number from 1/],
    [
      'aiAssistance: yes',
      /^the front matter field "aiAssistance" is "yes": it must be none, algorithmic, generative-edits/,
    ],
    [
      `dateline: ${'Kyiv '.repeat(30)}`,
      /^the front matter field "dateline" is 149 characters long: it names the place/,
    ],
    ['dateline: [Kyiv, Lviv]', /^the front matter field "dateline" must be text on one line/],
  ])('rejects %s with its line and a reason', (field, reason) => {
    expect(rejection(`author: Monexus Desk\n${field}`)).toEqual({
      file: FILE,
      line: 3,
      reason: expect.stringMatching(reason),
    });
  });
});
