// An address in a log line is replaced by `[address]`, local part and domain alike: no character of either stays.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ADDRESS_MASK, createLogger, maskAddresses } from '../../src/log.ts';

/** RFC 5322 atext beyond letters and digits; each may stand anywhere in a local part. */
const ATEXT_SYMBOLS = [..."!#$%&'*+-/=?^_`{|}~"];

const ADDRESSES = [
  "john.smith'x@gmail.com",
  ...ATEXT_SYMBOLS.flatMap((c) => [`john${c}smith@example.org`, `${c}john@example.org`, `john${c}@example.org`]),
  'first.middle.last@example.org',
  '"john smith"@example.org',
  '"john@smith"@example.org',
  '"john@smith.example"@example.org',
  '"john\\"smith"@example.org',
  '"john\\\\"@example.org',
  '"a\\"@[192.0.2.1]"@example.org',
  '"john smith@example.org"@example.org',
  '" a@[192.0.2.1]"@example.org',
  '"a@b.example"@example.org',
  '"very.(),:;<>[]\\".VERY.\\"very@\\\\ \\"very\\".unusual"@strange.example.com',
  '"john".smith@example.org',
  'john."smith x"@example.org',
  'Pelé@example.com',
  'почта@пример.рф',
  '用户@例子.广告',
  'δοκιμή@παράδειγμα.δοκιμή',
  'संपर्क@डाटामेल.भारत',
  '😀.reader@example.org',
  'user@[192.0.2.1]',
  'user@[IPv6:2001:db8::1]',
  'UPPER.Case+Tag@Example.ORG',
];

/** Around the address: what a log message puts next to one. */
const CONTEXTS: [string, string][] = [
  ['', ''],
  ['sent to ', ' today'],
  ['<', '>'],
  ['(', ')'],
  ['mailto:', ''],
  ['bounced: ', ', retrying'],
  ['reader ', '.'],
  ['\t', '\n'],
];

describe('log masking', () => {
  it.each(ADDRESSES)('leaves nothing of %s', (address) => {
    for (const [before, after] of CONTEXTS) {
      expect(maskAddresses(`${before}${address}${after}`), `${before}…${after}`).toBe(
        `${before}${ADDRESS_MASK}${after}`,
      );
    }
    expect(maskAddresses(`${address}, ${address}`)).toBe(`${ADDRESS_MASK}, ${ADDRESS_MASK}`);
  });

  it('masks any dot-atom, quoted or UTF-8 local part at any domain', () => {
    const atom = fc.string({
      unit: fc.constantFrom(...ATEXT_SYMBOLS, 'a', 'Z', '0', 'é', 'я', '字', '😀'),
      minLength: 1,
      maxLength: 20,
    });
    const dotAtom = fc.array(atom, { minLength: 1, maxLength: 4 }).map((atoms) => atoms.join('.'));
    const quoted = fc
      .string({
        unit: fc.constantFrom(
          ' ',
          '@',
          ',',
          ':',
          ';',
          '<',
          '>',
          '(',
          ')',
          '[',
          ']',
          '\\"',
          '\\\\',
          "'",
          'a',
          'é',
          '.',
          '@b.co',
          '@[1]',
        ),
        maxLength: 30,
      })
      .map((text) => `"${text}"`);
    const domain = fc.constantFrom('example.org', 'mail.example.co.uk', 'пример.рф', '例子.广告', '[192.0.2.1]');
    fc.assert(
      fc.property(fc.oneof(dotAtom, quoted), domain, (local, at) => {
        expect(maskAddresses(`sent to ${local}@${at} today`)).toBe(`sent to ${ADDRESS_MASK} today`);
      }),
      { numRuns: 2000 },
    );
  });

  it('masks a percent-encoded address in a logged URL, whatever else of the URL goes with it', () => {
    const masked = maskAddresses(
      'GET https://monexus.example/subscribe?email=john.smith%27x%40gmail.com&source=page',
    ) as string;
    expect(masked).not.toContain('john');
    expect(masked).not.toContain('smith');
    expect(masked).toContain(ADDRESS_MASK);
    expect(masked).toContain('&source=page');
  });

  it('masks addresses in every field of a log line, nested ones and errors too, and leaves other text alone', () => {
    const lines: string[] = [];
    const log = createLogger({ fn: 'test' }, (line) => lines.push(line));
    log.warn("could not mail john.smith'x@gmail.com", {
      to: ['"a b"@example.org'],
      nested: { reader: 'Ann <ann+news@example.org>' },
      error: new Error('SES refused =1+1@example.org'),
      plain: 'release 2.0@beta, user@localhost, @handle, a@b',
    });
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({
      message: `could not mail ${ADDRESS_MASK}`,
      to: [ADDRESS_MASK],
      nested: { reader: `Ann <${ADDRESS_MASK}>` },
      error: { name: 'Error', message: `SES refused ${ADDRESS_MASK}` },
      // Without a dot in the domain (or an address literal) nothing is taken for an address.
      plain: 'release 2.0@beta, user@localhost, @handle, a@b',
    });
  });

  it('takes linear time on long hostile lines', () => {
    const n = 200_000;
    const hostile = [
      'a'.repeat(n),
      '@'.repeat(n),
      `${'a'.repeat(n)}@`,
      `${'"'.repeat(n)}@example.org`,
      '\\"@example.org'.repeat(n / 14),
      '"@example.org'.repeat(n / 13),
      '@[@['.repeat(n / 4),
      '%40'.repeat(n / 3),
      `x@${'a.'.repeat(n / 2)}`,
      'a@b.co'.repeat(n / 6),
    ];
    for (const line of hostile) expect(typeof maskAddresses(line)).toBe('string');
    expect(maskAddresses('a@b.co'.repeat(3))).not.toContain('a@b');
  }, 20_000);
});
