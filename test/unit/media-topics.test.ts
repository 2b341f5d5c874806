// IPTC Media Topics: the vocabulary Broadsheet ships, the configuration that maps topics to it, and the feeds that
// carry the codes to partners.
import { describe, expect, it } from 'vitest';
import { configFrom, loadConfig } from '../../src/config.ts';
import { renderAtom, renderJsonFeed } from '../../src/render/feeds/index.ts';
import { MEDIA_TOPICS, MEDIA_TOPIC_SCHEME, mediaTopicLabel } from '../../src/vocabulary/media-topics.ts';
import { makeEditorial } from '../fixtures/editorial.ts';
import { parseFeedTexts, type ParsedFeed } from '../helpers/feedparser.ts';
import { jsonFeedErrors } from '../helpers/json-feed.ts';
import { xmllintTexts } from '../helpers/xmllint.ts';
import { configRefusal } from '../helpers/config-refusal.ts';

const config = loadConfig();

const refusal = configRefusal;

describe('the Media Topics vocabulary shipped', () => {
  it('has every code the sample configuration maps', () => {
    const codes = Object.values(config.mediaTopics).flat();
    expect(codes.length).toBeGreaterThan(0);
    for (const code of codes) expect(MEDIA_TOPICS, code).toHaveProperty([code]);
  });

  it('holds the 17 top-level topics and every broader topic of each topic it holds', () => {
    const topLevel = Object.entries(MEDIA_TOPICS).filter(([, topic]) => !topic.broader);
    expect(topLevel.map(([code]) => code)).toEqual(
      Array.from({ length: 17 }, (_, n) => `medtop:${String(n + 1).padStart(2, '0')}000000`),
    );
    for (const [code, topic] of Object.entries(MEDIA_TOPICS)) {
      expect(code).toMatch(/^medtop:[0-9]{8}$/);
      if (topic.broader) expect(MEDIA_TOPICS, `${code} → ${topic.broader}`).toHaveProperty([topic.broader]);
      for (const label of Object.values(topic.labels)) expect(label, code).toBe(label.trim());
      expect(topic.labels.en, code).not.toBe('');
    }
  });

  it('labels a topic in Arabic, German, Spanish and French, and in English for every other language', () => {
    expect(mediaTopicLabel('medtop:20000639', 'ar')).toBe('دبلوماسية');
    expect(mediaTopicLabel('medtop:20000639', 'de-CH')).toBe('Diplomatie');
    expect(mediaTopicLabel('medtop:20000639', 'es')).toBe('Diplomacia');
    expect(mediaTopicLabel('medtop:20000639', 'fr')).toBe('Diplomatie');
    expect(mediaTopicLabel('medtop:20000639', 'en-GB')).toBe('diplomacy');
    expect(mediaTopicLabel('medtop:20000639', 'uk')).toBe('diplomacy');
    expect(mediaTopicLabel('medtop:20000639', 'ru')).toBe('diplomacy');
  });
});

describe('mediaTopics in the configuration', () => {
  it('refuses a code the vocabulary does not have, naming the topic and the code', () => {
    expect(refusal({ mediaTopics: { energy: ['medtop:20000256', 'medtop:99999999'] } })).toContain(
      'mediaTopics["energy"][1] medtop:99999999 is not among the IPTC Media Topics Broadsheet knows',
    );
  });

  it('refuses what is not a Media Topic code, and a topic with no letter or digit', () => {
    expect(refusal({ mediaTopics: { energy: ['20000256'] } })).toContain(
      'must be an IPTC Media Topic code such as "medtop:20000256"',
    );
    expect(refusal({ mediaTopics: { energy: [] } })).toContain('mediaTopics.energy');
    expect(refusal({ mediaTopics: { '—': ['medtop:20000256'] } })).toContain(
      'mediaTopics["—"] must be a topic with a letter or digit in it',
    );
  });

  it("replaces the sample's map rather than adding to it", () => {
    expect(configFrom({ mediaTopics: { ports: ['medtop:20000343'] } }, 'test').mediaTopics).toEqual({
      ports: ['medtop:20000343'],
    });
    expect(configFrom({ mediaTopics: {} }, 'test').mediaTopics).toEqual({});
    expect(configFrom({}, 'test').mediaTopics).toEqual(config.mediaTopics);
  });
});

describe('Media Topics in the feeds', () => {
  const editorial = makeEditorial({ topics: ['Energy', 'europe'] });

  it('Atom: a category with the IPTC scheme and the label, beside the topics, still valid', async () => {
    const atom = renderAtom([editorial], config);
    expect(atom).toContain(`<category term="20000256" scheme="${MEDIA_TOPIC_SCHEME}" label="energy and resource"/>`);
    expect(atom).toContain('<category term="Energy"/>');
    expect(atom).toContain('<author><name>Monexus</name></author>');
    expect(await xmllintTexts([atom])).toEqual(['']);
    const [parsed] = parseFeedTexts([atom]) as [ParsedFeed];
    expect(parsed.bozo).toBe(false);
    expect(parsed.entries[0]!.tags).toEqual(['Energy', 'europe', '20000256']);
  });

  it('JSON Feed: the label among the tags (JSON Feed has no scheme), the author, still valid', () => {
    const json = renderJsonFeed([makeEditorial({ topics: ['energy'], author: 'Olena Kovalenko', lang: 'fr' })], config);
    expect(jsonFeedErrors(json)).toEqual([]);
    const [item] = JSON.parse(json).items;
    expect(item.tags).toEqual(['energy', 'Energie et ressources']);
    expect(item.authors).toEqual([{ name: 'Olena Kovalenko' }]);
  });

  it('adds nothing for a topic the configuration does not map', () => {
    const quiet = makeEditorial({ topics: ['europe'] });
    expect(renderAtom([quiet], config)).not.toContain(MEDIA_TOPIC_SCHEME);
    expect(JSON.parse(renderJsonFeed([quiet], config)).items[0].tags).toEqual(['europe']);
  });
});
