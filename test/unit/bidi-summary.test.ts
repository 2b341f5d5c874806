// An editorial without a summary gets one from its first sentences (the feeds' summaries, the ninjs description,
// the page's description, the email preheader). Like a written summary it is one line, so it carries no direction
// control (U+202A–U+202E, U+2066–U+2069) even when the body does; the body itself is left as written.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { parseEditorial } from '../../src/parse/index.ts';
import { renderFeeds } from '../../src/render/feeds/index.ts';
import { renderEditorialOutputs } from '../../src/render/outputs.ts';
import { parseFeedText } from '../helpers/feedparser.ts';

const config = loadConfig();
const CONTROLS = /[\u202A-\u202E\u2066-\u2069]/u;
const RLO = '\u202E';
const PDF = '\u202C';

const forms = {
  '2026-06-01-lead.txt': `The harbour talks\n\nThe port said ${RLO}exe.gpj${PDF} would reopen on Monday. A second sentence follows.\n\nWire provenance\n- https://t.me/harbour_watch\n`,
  '2026-06-01-lead.md': `---\ntitle: The harbour talks\nprovenance: [https://t.me/harbour_watch]\n---\n\nThe port said ${RLO}exe.gpj${PDF} would reopen on Monday. A second sentence follows.\n`,
};

describe.each(Object.entries(forms))('the summary taken from the body of %s', (file, text) => {
  const result = parseEditorial(file, new TextEncoder().encode(text), {
    publication: 'Monexus',
    defaultLang: 'en',
    limits: config.limits,
  });
  if (!result.ok) throw new Error(result.rejection.reason);
  const editorial = result.editorial;
  const lead = 'The port said exe.gpj would reopen on Monday. A second sentence follows.';

  it('has no direction control in the feeds, in ninjs, on the page or in the preheader', async () => {
    const outputs = await renderEditorialOutputs(editorial, config);
    const file = (name: string) => outputs.files.find((f) => f.name === name)!.body;
    const feeds = renderFeeds([editorial], config);
    const summaries = {
      rss: parseFeedText(feeds.rss).entries[0]!.summary,
      atom: parseFeedText(feeds.atom).entries[0]!.summary,
      json: (JSON.parse(feeds.json) as { items: { summary: string }[] }).items[0]!.summary,
      ninjs: (JSON.parse(file('ninjs.json')) as { descriptions: { role: string; value: string }[] }).descriptions.find(
        (d) => d.role === 'summary',
      )!.value,
      page: /<meta name="description" content="([^"]*)"/.exec(file('index.html'))?.[1],
      preheader: outputs.email.preheader,
    };
    expect(summaries).toEqual({ rss: lead, atom: lead, json: lead, ninjs: lead, page: lead, preheader: lead });
  });

  it('leaves the body as the desk wrote it', () => {
    const first = editorial.blocks[0]!;
    expect(first.kind === 'paragraph' && first.text).toMatch(CONTROLS);
  });
});
