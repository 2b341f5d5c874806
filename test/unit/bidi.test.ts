// Invisible direction controls (U+202A–U+202E, U+2066–U+2069) can make a subject or a source label read backwards;
// no one-line field Broadsheet writes carries them, whatever the desk's file or a source URL holds.
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { parseEditorial } from '../../src/parse/index.ts';
import { renderEditorialOutputs } from '../../src/render/outputs.ts';
import { parseFeedText } from '../helpers/feedparser.ts';
import { renderFeeds } from '../../src/render/feeds/index.ts';

const config = loadConfig();
const CONTROLS = /[\u202A-\u202E\u2066-\u2069]/u;
const RLO = '\u202E';
const LRI = '\u2066';
const PDI = '\u2069';

const source = `---
title: "Harbour talks ${RLO}gpj.exe"
published: 2026-06-01
summary: "A summary ${LRI}with an isolate${PDI}"
author: "Desk ${RLO}reversed"
topics: [harbours, "${RLO}markets"]
---

Body paragraph with Arabic mixed in: مرحبا.

Wire provenance
- https://example.org/wire/1 Port ${RLO}report
- https://t.me/%E2%80%AEevil
- https://example.org/%E2%81%A6iso%E2%81%A9late/%0Aline
`;

describe('bidirectional control characters', () => {
  const result = parseEditorial('2026-06-01-bidi.md', new TextEncoder().encode(source), {
    publication: 'Monexus',
    defaultLang: 'en',
    limits: config.limits,
  });
  if (!result.ok) throw new Error(result.rejection.reason);
  const editorial = result.editorial;

  it('are dropped from the title, summary, author, topics and every source label, derived ones included', () => {
    expect(editorial.title).toBe('Harbour talks gpj.exe');
    expect(editorial.summary).toBe('A summary with an isolate');
    expect(editorial.author).toBe('Desk reversed');
    expect(editorial.topics).toEqual(['harbours', 'markets']);
    expect(editorial.sources.map((s) => s.label)).toEqual(['Port report', 'evil (Telegram)', 'example.org']);
    for (const s of editorial.sources) expect(s.label).not.toMatch(/[\u0000-\u001f]/);
  });

  it('never reach the email subject, the feeds or the page title', async () => {
    const outputs = await renderEditorialOutputs(editorial, config);
    const eml = outputs.files.find((f) => f.name === 'email.eml')!.body;
    const mail = await simpleParser(eml);
    expect(mail.subject).toBe('Harbour talks gpj.exe');
    expect(mail.subject).not.toMatch(CONTROLS);
    const feeds = renderFeeds([editorial], config);
    const atom = parseFeedText(feeds.atom);
    expect(atom.entries[0]!.title).toBe('Harbour talks gpj.exe');
    expect(atom.entries[0]!.links.filter((l) => l.rel === 'via').map((l) => l.title)).toEqual([
      'Port report',
      'evil (Telegram)',
      'example.org',
    ]);
    const page = outputs.files.find((f) => f.name === 'index.html')!.body;
    expect(/<title>([^<]*)<\/title>/.exec(page)?.[1]).not.toMatch(CONTROLS);
  });

  it('leave a title of nothing else rejected, with a reason', () => {
    const bare = parseEditorial(
      '2026-06-01-bidi.txt',
      new TextEncoder().encode(`${RLO}${PDI}\n\nBody.\nWire provenance\n- https://example.org/a\n`),
      { publication: 'Monexus', defaultLang: 'en', limits: config.limits },
    );
    expect(bare.ok).toBe(false);
  });
});
