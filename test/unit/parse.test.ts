import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../src/render/escape.ts';
import { accept, acceptFile, FIXTURES, inlines, refuse } from '../helpers/parse-helpers.ts';

// The desk's own sample of the format, kept in the repository so the test runs on every machine.
const DESK_SAMPLE = join(import.meta.dirname, '../fixtures/desk/2026-06-04-kremlin-invitation.txt');
const SAMPLES = join(import.meta.dirname, '../..', 'samples');

describe('the shared sample editorial (plain text)', () => {
  it('parses with its title, headings, framing note and sources', () => {
    const e = acceptFile(DESK_SAMPLE);
    expect(e.form).toBe('text');
    expect(e.slug).toBe('2026-06-04-kremlin-invitation');
    expect(e.title).toBe("The Kremlin's invitation that wasn't");
    expect(e.published.toISOString()).toBe('2026-06-04T00:00:00.000Z');
    expect(e.updated).toEqual(e.published);
    expect(
      e.blocks.filter((b) => b.kind === 'heading').map((b) => (b.kind === 'heading' ? [b.level, b.text] : null)),
    ).toEqual([
      [2, 'The geometry of the offer'],
      [2, 'The "personal meeting" trap'],
      [2, "The media's reflex"],
      [2, 'What the letter actually was'],
    ]);
    expect(e.framing).toMatch(/^Monexus frames this letter as/);
    const bodyText = inlines(e.blocks)
      .map((i) => i.text)
      .join('\n');
    expect(bodyText).not.toContain('Monexus frames');
    expect(bodyText).not.toContain('Wire provenance');
    expect(bodyText).not.toContain('https://t.me/');
    expect(e.provenanceIntro).toBe('This editorial synthesis draws on the following public wire/social posts:');
    expect(e.sources).toHaveLength(6);
    for (const s of e.sources) {
      expect(s.url).toMatch(/^https:\/\/t\.me\/\w+$/);
      expect(s.label).toMatch(/^\w+ \(Telegram\)$/);
    }
    expect(e.sources[0]).toEqual({ url: 'https://t.me/Kyivpost_official', label: 'Kyivpost_official (Telegram)' });
    // "The Kremlin's response engaged none of it." ends in a full stop: a one-line paragraph, not a heading.
    expect(e.blocks[2]).toMatchObject({ kind: 'paragraph', text: "The Kremlin's response engaged none of it." });
    expect(e.blocks.at(-1)).toMatchObject({ kind: 'paragraph' });
    expect(e.blocks.at(-1)!.kind === 'paragraph' && e.blocks.at(-1)).toMatchObject({
      text: expect.stringMatching(/^A letter, in the right hands/),
    });
    expect(e.lang).toBe('en');
    expect(e.status).toBe('published');
    expect(e.topics).toEqual([]);
  });
});

describe("the project's own samples", () => {
  const files = readdirSync(SAMPLES).filter((f) => /\.(txt|md)$/.test(f));

  it('has the three samples', () => {
    expect(files.sort()).toEqual([
      '2026-06-02-grain-corridor.txt',
      '2026-06-03-energy-grid.md',
      '2026-06-05-sahel-ceasefire.md',
    ]);
  });

  it.each(files)('%s parses', (file) => {
    const e = acceptFile(join(SAMPLES, file));
    expect(e.blocks.length).toBeGreaterThan(2);
    expect(e.sources.length).toBeGreaterThan(0);
  });

  it('grain corridor: plain text with headings, framing note and labelled and derived sources', () => {
    const e = acceptFile(join(SAMPLES, '2026-06-02-grain-corridor.txt'));
    expect(e.blocks.filter((b) => b.kind === 'heading').length).toBeGreaterThanOrEqual(3);
    expect(e.framing).toMatch(/^Monexus frames/);
    expect(e.sources.map((s) => s.label)).toContain('Black Sea Monitor');
    expect(e.sources.map((s) => s.label)).toContain('ukr_seaports (Telegram)');
    expect(e.sources.map((s) => s.label)).toContain('@straits_watch (X)');
  });

  it('energy grid: Markdown with metadata, correction, lists, emphasis, a link and a quote', () => {
    const e = acceptFile(join(SAMPLES, '2026-06-03-energy-grid.md'));
    expect(e.form).toBe('markdown');
    expect(e.author).toBe('Monexus Desk');
    expect(e.summary).toBeTruthy();
    expect(e.topics).toEqual(['energy', 'infrastructure', 'europe']);
    expect(e.framing).toMatch(/^Monexus frames/);
    expect(e.correction).toMatch(/2\.4 GW/);
    expect(e.updated.getTime()).toBeGreaterThan(e.published.getTime());
    const kinds = new Set(e.blocks.map((b) => b.kind));
    expect([...kinds].sort()).toEqual(['heading', 'list', 'paragraph', 'quote']);
    const html = inlines(e.blocks)
      .map((i) => i.html)
      .join('\n');
    expect(html).toContain('<strong>2.4 GW</strong>');
    expect(html).toContain('<em>not</em>');
    expect(html).toContain('<a href="https://monexus.example/topics/energy">');
    expect(e.sources[0]).toEqual({ url: 'https://t.me/ukrenergo_official', label: 'Ukrenergo' });
    expect(e.sources[3]).toEqual({
      url: 'https://bsky.app/profile/gridwatcher.bsky.social',
      label: 'gridwatcher.bsky.social (Bluesky)',
    });
  });

  it('Sahel ceasefire: Arabic, right to left', () => {
    const e = acceptFile(join(SAMPLES, '2026-06-05-sahel-ceasefire.md'));
    expect(e.lang).toBe('ar');
    expect(e.dir).toBe('rtl');
    expect(e.title).toMatch(/^هدنة الساحل/);
    expect(e.sources[0]!.label).toBe('مرصد الساحل');
  });
});

describe('tolerated input', () => {
  const expectHarbour = (file: string) => {
    const e = acceptFile(join(FIXTURES, 'valid', file));
    expect(e.title).toBe('Harbour talks that were not');
    expect(e.blocks).toEqual([
      {
        kind: 'paragraph',
        text: 'The port authority offered talks on Tuesday.',
        html: 'The port authority offered talks on Tuesday.',
      },
      { kind: 'heading', level: 2, text: 'The geometry of the offer', html: 'The geometry of the offer' },
      expect.objectContaining({
        kind: 'paragraph',
        text: expect.stringMatching(/^A meeting,\s+a pause and a swap: the formula that has worked before\.$/),
      }),
    ]);
    expect(e.framing).toBe('Monexus frames the offer as a closed door; the wire calls it an opening.');
    expect(e.provenanceIntro).toBe('This editorial synthesis draws on the following public posts:');
    expect(e.sources).toEqual([
      { url: 'https://t.me/harbour_watch', label: 'harbour_watch (Telegram)' },
      { url: 'https://example.org/wire/123', label: 'Example Wire' },
    ]);
    return e;
  };

  it('a byte-order mark, CRLF line endings and trailing spaces', () => {
    const e = expectHarbour('2026-06-11-bom-crlf.txt');
    expect(e.title.charCodeAt(0)).not.toBe(0xfeff);
  });

  it('CR-only line endings', () => expectHarbour('2026-06-11-cr-only.txt'));

  it('control characters XML and email forbid are dropped; tabs are kept', () => {
    const e = expectHarbour('2026-06-11-control-chars.txt');
    const all = JSON.stringify(e);
    expect(all).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/);
    expect(e.blocks[2]).toMatchObject({ text: 'A meeting,\ta pause and a swap: the formula that has worked before.' });
  });

  it('a file that is mostly control bytes is named binary, whether or not it is valid UTF-8', () => {
    const controls = '\u0001\u0002\u0003\u001b'.repeat(40);
    const text = `Title\n${controls}\nWire provenance\n- https://t.me/a\n`;
    expect(refuse('2026-06-01-c.txt', text).reason).toMatch(/^the file is binary \(it is mostly control characters\)/);
    const invalid = new Uint8Array([...new TextEncoder().encode(text), 0xff]);
    expect(refuse('2026-06-01-c.txt', invalid).reason).toMatch(/^the file is binary \(it is mostly control/);
    // A few stray ones in text are dropped, as above.
    expect(
      accept('2026-06-01-c.txt', `Title\nA pause\u001b here.\nWire provenance\n- https://t.me/a\n`).blocks[0],
    ).toMatchObject({
      text: 'A pause here.',
    });
  });

  it('emoji, Cyrillic and typographic quotes, including a closing guillemet after a full stop', () => {
    const e = acceptFile(join(FIXTURES, 'valid', '2026-06-11-emoji-cyrillic.txt'));
    expect(e.title).toBe('Переговоры в гавани 🚢 — которых не было');
    expect(e.blocks.map((b) => b.kind)).toEqual(['paragraph', 'heading', 'paragraph', 'paragraph']);
    expect(e.blocks[1]).toMatchObject({ text: 'Геометрия предложения 🧭' });
    expect(e.sources[0]!.label).toBe('гавань_новости (Telegram)');
    expect(new URL(e.sources[0]!.url).pathname).toBe(
      '/%D0%B3%D0%B0%D0%B2%D0%B0%D0%BD%D1%8C_%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8',
    );
    expect(e.sources[1]!.label).toBe('Гавань 🚢');
  });

  it('line numbers in rejections count lines of the original file, whatever the line endings', () => {
    const lines = ['', 'Title', '', 'Paragraph one.', 'Wire provenance', '- https://t.me/a', '- ftp://bad'];
    for (const eol of ['\n', '\r\n', '\r']) {
      expect(refuse('x.txt', `\uFEFF${lines.join(eol)}`, { date: new Date('2026-06-01T00:00:00Z') }).line).toBe(7);
    }
  });
});

describe('text is never markup', () => {
  it('plain text: template syntax, HTML and MJML stay literal and are escaped in html', () => {
    const e = acceptFile(join(FIXTURES, 'valid', '2026-06-11-markup-literal.txt'));
    expect(e.title).toBe("{{title}} and <script>alert('x')</script>");
    const p = e.blocks[0]!;
    expect(p).toEqual({
      kind: 'paragraph',
      text: 'The desk wrote {{title}}, {{{body}}} and <mj-text>MJML</mj-text> on purpose & kept it.',
      html: 'The desk wrote {{title}}, {{{body}}} and &lt;mj-text&gt;MJML&lt;/mj-text&gt; on purpose &amp; kept it.',
    });
    const last = e.blocks[2]!;
    expect(last.kind === 'paragraph' && last.text).toBe(
      'A paragraph with <script>alert(1)</script> and **not bold** and [not](https://a.link).',
    );
    expect(last.kind === 'paragraph' && last.html).toBe(escapeHtml(last.kind === 'paragraph' ? last.text : ''));
    expect(e.sources[0]!.label).toBe('<b>Harbour</b> {{watch}}');
  });
});

describe('metadata of the plain-text form', () => {
  const body = 'Title of the piece\nA paragraph.\nWire provenance\n- https://t.me/a\n';

  it('slug from the file name, language from the defaults, no topics, published', () => {
    const e = accept('approved/2026-06-01-harbour-talks.txt', body, { defaultLang: 'he' });
    expect(e.file).toBe('approved/2026-06-01-harbour-talks.txt');
    expect(e.slug).toBe('2026-06-01-harbour-talks');
    expect(e.lang).toBe('he');
    expect(e.dir).toBe('rtl');
    expect(e.topics).toEqual([]);
    expect(e.status).toBe('published');
    expect(e.provenanceIntro).toBeUndefined();
    expect(e.framing).toBeUndefined();
  });

  it('a file name that is not URL-safe gives a safe slug', () => {
    expect(accept('Harbour Talks (final).txt', body, { date: new Date('2026-06-01T00:00:00Z') }).slug).toBe(
      'harbour-talks-final',
    );
  });

  it('publication date: caller date beats the file name, which beats the fallback', () => {
    const date = new Date('2026-06-03T07:30:00Z');
    const fallback = new Date('2020-01-01T00:00:00Z');
    expect(accept('2026-06-01-a.txt', body, { date, fallbackDate: fallback }).published).toEqual(date);
    expect(accept('2026-06-01-a.txt', body, { fallbackDate: fallback }).published).toEqual(
      new Date('2026-06-01T00:00:00Z'),
    );
    expect(accept('a.txt', body, { fallbackDate: fallback }).published).toEqual(fallback);
    expect(refuse('a.txt', body).reason).toMatch(/^no publication date: /);
    expect(refuse('2026-13-45-a.txt', body).reason).toMatch(/"2026-13-45", which is not a valid date/);
  });

  it('a heading-like line followed by another, or at the end, is a paragraph', () => {
    const e = accept(
      '2026-06-01-a.txt',
      'Title\nOne\nTwo\nThree introduces this.\nLast line\nWire provenance\n- https://t.me/a',
    );
    expect(e.blocks.map((b) => [b.kind, b.kind === 'paragraph' || b.kind === 'heading' ? b.text : ''])).toEqual([
      ['paragraph', 'One'],
      ['heading', 'Two'],
      ['paragraph', 'Three introduces this.'],
      ['paragraph', 'Last line'],
    ]);
  });

  it('closing punctuation, also behind a closing quote or bracket, makes a paragraph; long lines are paragraphs', () => {
    const lines = [
      'Asked: "why?"',
      'He said (no.)',
      'Ends with colon:',
      'A clause,',
      '«Déjà vu…»',
      'لماذا؟',
      'x'.repeat(81),
    ];
    const text = ['Title', ...lines.flatMap((l) => [l, 'Body sentence.']), 'Wire provenance', '- https://t.me/a'].join(
      '\n',
    );
    const e = accept('2026-06-01-a.txt', text);
    expect(e.blocks.every((b) => b.kind === 'paragraph')).toBe(true);
    const headed = accept(
      '2026-06-01-a.txt',
      [
        'Title',
        'A "quoted" heading',
        'Body.',
        `${'y'.repeat(80)}`,
        'Body.',
        'Wire provenance',
        '- https://t.me/a',
      ].join('\n'),
    );
    expect(headed.blocks.map((b) => b.kind)).toEqual(['heading', 'paragraph', 'heading', 'paragraph']);
  });

  it('the framing note is recognised by the publication name given', () => {
    const text = 'Title\nA paragraph.\nHarbourside frames it differently.\nWire provenance\n- https://t.me/a';
    expect(accept('2026-06-01-a.txt', text, { publication: 'Harbourside' }).framing).toBe(
      'Harbourside frames it differently.',
    );
    expect(accept('2026-06-01-a.txt', text).framing).toBeUndefined();
  });

  it('the provenance heading is matched whatever its case, and labels are derived per platform', () => {
    const e = accept(
      '2026-06-01-a.txt',
      [
        'Title',
        'A paragraph.',
        '  WIRE PROVENANCE  ',
        '- https://t.me/s/harbour',
        '- https://twitter.com/harbour_x',
        '- https://www.youtube.com/watch?v=abc',
        '- https://www.example.org/post',
        '- HTTPS://Example.ORG:443/a/../b Label\twith\ttabs',
      ].join('\n'),
    );
    expect(e.sources).toEqual([
      { url: 'https://t.me/s/harbour', label: 'harbour (Telegram)' },
      { url: 'https://twitter.com/harbour_x', label: '@harbour_x (X)' },
      { url: 'https://www.youtube.com/watch?v=abc', label: 'YouTube' },
      { url: 'https://www.example.org/post', label: 'example.org' },
      { url: 'https://example.org/b', label: 'Label with tabs' },
    ]);
  });

  it('a 25,000-word editorial parses', () => {
    const sentence = 'The harbour authority offered talks, and the wire reported them as a breakthrough again today.';
    const paragraphs: string[] = [];
    let words = 0;
    for (let i = 0; words < 25_000; i++) {
      if (i % 20 === 10) paragraphs.push(`Section ${i / 20 + 1} of the long read`);
      const p = Array.from({ length: 8 }, () => sentence).join(' ');
      paragraphs.push(p);
      words += 8 * 15;
    }
    const text = ['A very long editorial', ...paragraphs, 'Wire provenance', '- https://t.me/a'].join('\n');
    const e = accept('2026-06-01-long.txt', text);
    expect(e.blocks).toHaveLength(paragraphs.length);
    expect(e.blocks.filter((b) => b.kind === 'heading').length).toBe(
      paragraphs.filter((p) => p.startsWith('Section')).length,
    );
    expect(e.blocks.filter((b) => b.kind === 'paragraph').length).toBe(
      paragraphs.filter((p) => p.endsWith('.')).length,
    );
  });
});

it('reads every file as the same bytes twice with the same result (deterministic)', () => {
  const bytes = readFileSync(join(SAMPLES, '2026-06-03-energy-grid.md'));
  expect(JSON.stringify(accept('x.md', bytes))).toBe(JSON.stringify(accept('x.md', bytes)));
});
