import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { Block, Editorial } from '../../src/model.ts';
import { blocksText } from '../../src/render/body.ts';
import { composeMessage, personalize, renderEmail } from '../../src/render/email/index.ts';
import { urls } from '../../src/render/urls.ts';
import { inline, makeEditorial } from '../fixtures/editorial.ts';
import { htmlNodes } from '../helpers/html.ts';

const config = loadConfig();
/** A long, realistic per-recipient URL: signed token plus list id. */
const UNSUBSCRIBE = `https://monexus.example/unsubscribe?token=${'9f2c'.repeat(32)}&list=monexus-daily&v=2`;
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

function paragraphTexts(html: string): string[] {
  return htmlNodes(html, '//td[contains(@class,"bs-article")]//p').map((p) => (p.textContent ?? '').trim());
}

/** About `words` words of distinct, numbered paragraphs, with a section heading every eight paragraphs. */
function longEditorial(
  words: number,
  sentence = 'The port authority weighed the offer against the record once more.',
): Editorial {
  const blocks: Block[] = [];
  const perParagraph = 100;
  for (let n = 0; n * perParagraph < words; n++) {
    if (n > 0 && n % 8 === 0) blocks.push({ kind: 'heading', level: 2, ...inline(`Section ${n / 8}`) });
    const sentenceWords = sentence.split(' ').length;
    const body = Array.from({ length: Math.ceil(perParagraph / sentenceWords) }, () => sentence).join(' ');
    blocks.push({ kind: 'paragraph', ...inline(`Paragraph ${n}. ${body}`) });
  }
  const sources = Array.from({ length: 40 }, (_, n) => ({
    url: `https://example.org/wire/${n}`,
    label: `Example Wire ${n}`,
  }));
  return makeEditorial({ blocks, sources });
}

async function check(editorial: Editorial) {
  const template = await renderEmail(editorial, config);
  const eml = composeMessage({
    config,
    template,
    to: 'reader@example.com',
    unsubscribeUrl: UNSUBSCRIBE,
    date: editorial.published,
    messageId: '<long@monexus.example>',
  });
  return { template, copy: personalize(template, { unsubscribeUrl: UNSUBSCRIBE }), mail: await simpleParser(eml) };
}

describe('a 25,000-word editorial', async () => {
  const editorial = longEditorial(25_000);
  const { template, copy, mail } = await check(editorial);
  const html = mail.html as string;
  const page = urls.page(config, editorial.slug);
  const paragraphs = editorial.blocks.filter((b) => b.kind === 'paragraph');

  it('stays under the clipping budget after personalisation, using most of it', () => {
    expect(template.clipped).toBe(true);
    expect(bytes(copy.html)).toBeLessThanOrEqual(config.email.clipBytes);
    expect(bytes(html)).toBeLessThanOrEqual(config.email.clipBytes);
    expect(bytes(html)).toBeGreaterThan(config.email.clipBytes * 0.9);
  });

  it('is cut after a whole paragraph, then links to the full editorial on the web', () => {
    const shown = paragraphTexts(html);
    const last = shown.at(-1);
    expect(last).toBe('Continue reading');
    const kept = shown.slice(0, -1);
    expect(kept.length).toBeGreaterThan(10);
    expect(kept.length).toBeLessThan(paragraphs.length);
    expect(kept).toEqual(paragraphs.slice(0, kept.length).map((p) => (p.kind === 'paragraph' ? p.text : '')));
    expect(html).toContain(`<a href="${page}" style="color:#1a56a0;text-decoration:underline;">Continue reading</a>`);
    expect(html).not.toContain(`Paragraph ${kept.length}.`);
  });

  it('keeps the whole provenance footer, and the unsubscribe link and postal address after it', () => {
    expect(html).toContain('>Wire provenance</h2>');
    for (const source of editorial.sources)
      expect(html).toContain(
        `<a href="${source.url}" style="color:#1a56a0;text-decoration:underline;">${source.label}</a>`,
      );
    expect(html.indexOf(UNSUBSCRIBE.replace(/&/g, '&amp;'))).toBeGreaterThan(html.indexOf('Example Wire 39'));
    expect(html.lastIndexOf(config.postalAddress)).toBeGreaterThan(html.indexOf('Example Wire 39'));
  });

  it('cuts the plain-text part at the same place, with the same link', () => {
    const plain = mail.text as string;
    const kept = paragraphTexts(html).length - 1;
    const cut = editorial.blocks.findIndex((b) => b.kind === 'paragraph' && b.text.startsWith(`Paragraph ${kept}.`));
    const keptBlocks = editorial.blocks.slice(0, cut);
    while (keptBlocks.at(-1)?.kind === 'heading') keptBlocks.pop();
    expect(plain).toContain(`${blocksText(keptBlocks)}\n\nContinue reading: ${page}\n`);
    expect(plain).not.toContain(`Paragraph ${kept}.`);
    expect(plain).toContain('Wire provenance');
    expect(plain).toContain('- Example Wire 39: https://example.org/wire/39');
  });
});

describe('clipping', () => {
  it('measures UTF-8 bytes, not characters: a long Cyrillic editorial fits too', async () => {
    const editorial = longEditorial(
      20_000,
      'Портовое управление снова сверило предложение с записями прошлых переговоров.',
    );
    const { template, copy } = await check(editorial);
    expect(template.clipped).toBe(true);
    expect(bytes(copy.html)).toBeLessThanOrEqual(config.email.clipBytes);
    expect(copy.text).toContain('Continue reading: ');
  });

  it('leaves a short editorial whole', async () => {
    const editorial = longEditorial(2_000);
    const { template, mail } = await check(editorial);
    expect(template.clipped).toBe(false);
    expect(mail.html).not.toContain('Continue reading');
    expect(mail.text).not.toContain('Continue reading');
    expect(mail.text).toContain(`Paragraph ${editorial.blocks.filter((b) => b.kind === 'paragraph').length - 1}.`);
  });

  it('never ends the cut body on a section heading', async () => {
    const { mail } = await check(longEditorial(25_000));
    const html = mail.html as string;
    const continueAt = html.indexOf('>Continue reading</a>');
    const before = html.slice(0, continueAt);
    expect(before.lastIndexOf('</p>')).toBeGreaterThan(before.lastIndexOf('</h2>'));
  });

  it('refuses an email whose fixed parts alone pass the budget, rather than let the unsubscribe link be clipped', async () => {
    const sources = Array.from({ length: 2_000 }, (_, n) => ({
      url: `https://example.org/wire/${n}/${'x'.repeat(20)}`,
      label: `Example Wire ${n}`,
    }));
    await expect(renderEmail(makeEditorial({ sources }), config)).rejects.toThrow(/clipping budget/);
  });
});
