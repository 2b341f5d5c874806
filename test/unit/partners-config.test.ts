import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, configFrom, hasTopicSlug, loadConfig } from '../../src/config.ts';
import { buildPartnerFeeds } from '../../src/partners/feeds.ts';
import {
  derivePartnerPath,
  DEVELOPMENT_PARTNER_SECRET,
  PARTNER_PATH_LENGTH,
  partnerPath,
  partnerSecretFrom,
  PARTNER_SECRET_ENV,
} from '../../src/partners/paths.ts';
import { topicSlug } from '../../src/render/topics.ts';

const problems = (partners: unknown, extra: Record<string, unknown> = {}): string => {
  try {
    configFrom({ partners, ...extra }, 'test');
    return '';
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
};

const SECRET = 'a partner secret of more than thirty-two characters';
const BASE32_PATH = /^[a-z2-7]{26}$/;

describe('partner configuration', () => {
  it('reads partners with their defaults: rotation 0, every topic, the publication rights', () => {
    const config = configFrom(
      { partners: [{ id: 'wire-east', name: 'Wire East', formats: ['atom', 'ninjs'] }] },
      'test',
    );
    expect(config.partners).toEqual([{ id: 'wire-east', name: 'Wire East', formats: ['atom', 'ninjs'], rotation: 0 }]);
    expect(config.partnerFeeds.tombstoneDays).toBe(30);
    expect(loadConfig().partners.map((p) => p.id)).toEqual(['example-partner']);
  });

  it.each([
    [[{ id: 'Wire', name: 'W', formats: ['atom'] }], 'partners[0].id must be 1 to 40 lower-case letters'],
    [[{ id: '-wire', name: 'W', formats: ['atom'] }], 'partners[0].id must be'],
    [[{ id: 'w'.repeat(41), name: 'W', formats: ['atom'] }], 'partners[0].id must be'],
    [
      [
        { id: 'w', name: 'W', formats: ['atom'] },
        { id: 'w', name: 'V', formats: ['json'] },
      ],
      'partners[1].id "w" is already the id of partners[0]',
    ],
    [[{ id: 'w', name: '', formats: ['atom'] }], 'partners[0].name must be a non-empty single-line string'],
    [[{ id: 'w', name: 'W', formats: [] }], 'partners[0].formats must list at least one of atom, ninjs, json'],
    [[{ id: 'w', name: 'W' }], 'partners[0].formats must list at least one of atom, ninjs, json'],
    [
      [{ id: 'w', name: 'W', formats: ['rss'] }],
      'partners[0].formats[0] "rss" is not a partner format (atom, ninjs, json)',
    ],
    [[{ id: 'w', name: 'W', formats: ['atom', 'atom'] }], 'partners[0].formats lists "atom" twice'],
    [[{ id: 'w', name: 'W', formats: ['atom'], topics: [] }], 'partners[0].topics must be a non-empty array'],
    [
      [{ id: 'w', name: 'W', formats: ['atom'], topics: ['economy', ' — '] }],
      'partners[0].topics[1] must be a topic with a letter or digit',
    ],
    [[{ id: 'w', name: 'W', formats: ['atom'], topics: [3] }], 'partners[0].topics[0] must be a topic'],
    [
      [{ id: 'w', name: 'W', formats: ['atom'], webhook: 'http://partner.example/hook' }],
      'partners[0].webhook must be an https:// URL',
    ],
    [[{ id: 'w', name: 'W', formats: ['atom'], webhook: 'not a url' }], 'partners[0].webhook must be an https:// URL'],
    [
      [{ id: 'w', name: 'W', formats: ['atom'], webhook: 'http://127.0.0.1:8080/hook' }],
      'partners[0].webhook must be an https:// URL',
    ],
    [
      [{ id: 'w', name: 'W', formats: ['atom'], webhook: 'https://169.254.169.254/latest/meta-data/' }],
      'partners[0].webhook must not point at a private, loopback, link-local or reserved address (169.254.169.254)',
    ],
    [
      [{ id: 'w', name: 'W', formats: ['atom'], webhook: 'https://10.0.0.5/' }],
      'partners[0].webhook must not point at a private, loopback, link-local or reserved address (10.0.0.5)',
    ],
    [
      [{ id: 'w', name: 'W', formats: ['atom'], webhook: 'https://[::1]/' }],
      'partners[0].webhook must not point at a private, loopback, link-local or reserved address (::1)',
    ],
    [
      [{ id: 'w', name: 'W', formats: ['atom'], webhook: 'https://127.1/' }],
      'partners[0].webhook must not point at a private, loopback, link-local or reserved address (127.0.0.1)',
    ],
    [[{ id: 'w', name: 'W', formats: ['atom'], webhook: 'https://2130706433/' }], '(127.0.0.1)'],
    [[{ id: 'w', name: 'W', formats: ['atom'], webhook: 'https://0x7f.1/' }], '(127.0.0.1)'],
    [[{ id: 'w', name: 'W', formats: ['atom'], webhook: 'https://0177.0.0.1/' }], '(127.0.0.1)'],
    [[{ id: 'w', name: 'W', formats: ['atom'], webhook: 'https://[::ffff:7f00:1]/' }], '(::ffff:7f00:1)'],
    [[{ id: 'w', name: 'W', formats: ['atom'], webhook: 'https://[fd00:ec2::254]/' }], '(fd00:ec2::254)'],
    [
      [{ id: 'w', name: 'W', formats: ['atom'], webhook: 'https://user:pw@w.example/hook' }],
      'partners[0].webhook must not carry a user name or password',
    ],
    [[{ id: 'w', name: 'W', formats: ['atom'], rotation: -1 }], 'partners[0].rotation must be a whole number'],
    [
      [{ id: 'w', name: 'W', formats: ['atom'], usageTerms: 'one\ntwo' }],
      'partners[0].usageTerms must be a non-empty single-line string',
    ],
    [[{ id: 'w', name: 'W', formats: ['atom'], format: ['json'] }], 'partners[0].format is not a partner field'],
    [['w'], 'partners[0] must be an object'],
    [{ id: 'w' }, 'partners must be an array'],
  ])('refuses %j, saying why', (partners, message) => {
    expect(problems(partners)).toContain(message);
  });

  it('checks partnerFeeds.tombstoneDays', () => {
    expect(problems([], { partnerFeeds: { tombstoneDays: 0 } })).toContain(
      'partnerFeeds.tombstoneDays must be a positive integer',
    );
    expect(configFrom({ partnerFeeds: { tombstoneDays: 7 } }, 'test').partnerFeeds.tombstoneDays).toBe(7);
  });

  it('accepts every field, an https webhook and topics in any script', () => {
    const partner = {
      id: 'w-2',
      name: 'W',
      formats: ['json'],
      topics: ['Україна', 'Économie politique'],
      usageTerms: 'Excerpts only.',
      copyrightHolder: 'W Co-op',
      webhook: 'https://w.example/hook',
      rotation: 3,
    };
    expect(configFrom({ partners: [partner] }, 'test').partners).toEqual([partner]);
  });

  it('says a topic has a slug exactly when the topic slug rule gives it one', () => {
    for (const topic of ['economy', ' — ', '', '٣', 'ـ', '\u0301', '①', 'Ⅻ', '!!', 'İ'])
      expect(hasTopicSlug(topic), topic).toBe(topicSlug(topic) !== undefined);
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 8 }),
        (topic) => hasTopicSlug(topic) === (topicSlug(topic) !== undefined),
      ),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 8 }),
        (topic) => hasTopicSlug(topic) === (topicSlug(topic) !== undefined),
      ),
      { numRuns: 2000 },
    );
  });
});

describe('the partner secret', () => {
  it('is the development secret when unset, and at least 32 characters when set', () => {
    expect(partnerSecretFrom({})).toEqual({ value: DEVELOPMENT_PARTNER_SECRET, development: true });
    expect(partnerSecretFrom({ [PARTNER_SECRET_ENV]: SECRET })).toEqual({ value: SECRET, development: false });
    expect(() => partnerSecretFrom({ [PARTNER_SECRET_ENV]: 'x'.repeat(31) })).toThrow(
      /at least 32 characters long \(it has 31\)/,
    );
    expect(() => partnerSecretFrom({ [PARTNER_SECRET_ENV]: '' })).toThrow(ConfigError);
    expect(DEVELOPMENT_PARTNER_SECRET.length).toBeGreaterThanOrEqual(32);
  });
});

describe('partner paths', () => {
  it('are HMAC-SHA256 of the id and rotation as 26 lower-case base32 characters', () => {
    // Computed apart from this code: Python's hmac and base64.b32encode, lower-cased, first 26 characters.
    expect(derivePartnerPath(DEVELOPMENT_PARTNER_SECRET, 'example-partner', 0)).toBe('miqlhvi7nh5kdhv7fdbdwefw2x');
    expect(PARTNER_PATH_LENGTH).toBe(26);
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,39}$/), fc.nat(1000), (id, rotation) => {
        const path = partnerPath(SECRET, { id, rotation });
        return BASE32_PATH.test(path) && !path.includes(id);
      }),
    );
  });

  it('derive again with a counter when a path would contain the id', () => {
    // A one-letter id is in about half of all 26-character paths: find rotations where the first derivation has it.
    const clashing = Array.from({ length: 40 }, (_, rotation) => rotation).filter((rotation) =>
      derivePartnerPath(SECRET, 'q', rotation).includes('q'),
    );
    expect(clashing.length).toBeGreaterThan(0);
    for (const rotation of clashing) {
      const path = partnerPath(SECRET, { id: 'q', rotation });
      expect(path).not.toContain('q');
      expect(path).not.toBe(derivePartnerPath(SECRET, 'q', rotation));
      const first = [1, 2, 3, 4, 5, 6, 7, 8]
        .map((counter) => derivePartnerPath(SECRET, 'q', rotation, counter))
        .find((p) => !p.includes('q'));
      expect(path).toBe(first);
    }
  });

  it('differ per partner and per secret, and a rotation moves that partner only', () => {
    const partners = [
      { id: 'wire-east', name: 'Wire East', formats: ['atom'] },
      { id: 'digest-co', name: 'Digest', formats: ['json', 'ninjs'] },
      { id: 'all-news', name: 'All News', formats: ['ninjs'] },
    ];
    const manifest = (rotations: number[], secret = SECRET) =>
      buildPartnerFeeds(
        [],
        configFrom({ partners: partners.map((p, n) => ({ ...p, rotation: rotations[n] })) }, 'test'),
        secret,
        new Date(),
      ).manifest;
    const before = manifest([0, 0, 0]);
    const paths = before.map((p) => Object.values(p.feeds)[0]!.split('/')[1]!);
    expect(new Set(paths).size).toBe(3);
    for (const path of paths) expect(path).toMatch(BASE32_PATH);
    const rotated = manifest([0, 1, 0]);
    expect(rotated[0]).toEqual(before[0]);
    expect(rotated[2]).toEqual(before[2]);
    expect(rotated[1]!.feeds.json).not.toBe(before[1]!.feeds.json);
    expect(Object.values(rotated[1]!.feeds).every((feed) => !feed.includes(paths[1]!))).toBe(true);
    expect(manifest([0, 0, 0], `${SECRET}!`).map((p) => p.feeds)).not.toEqual(before.map((p) => p.feeds));
  });
});

describe('a webhook of a local run', () => {
  it('may be plain http to a loopback receiver in a local run only; never to another address', async () => {
    const { configFrom } = await import('../../src/config.ts');
    const partner = (webhook: string) => ({
      partners: [{ id: 'local-news', name: 'Local News', formats: ['ninjs'], webhook }],
    });
    expect(() => configFrom(partner('http://127.0.0.1:4567/hook'), 'test')).toThrow(/must be an https:\/\/ URL/);
    expect(configFrom(partner('http://127.0.0.1:4567/hook'), 'test', { localRun: true }).partners[0]!.webhook).toBe(
      'http://127.0.0.1:4567/hook',
    );
    expect(() => configFrom(partner('http://10.0.0.5/hook'), 'test', { localRun: true })).toThrow(/https|private/);
    expect(() => configFrom(partner('https://169.254.169.254/latest'), 'test', { localRun: true })).toThrow(
      /private, loopback, link-local or reserved/,
    );
  });
});
