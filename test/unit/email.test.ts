import { simpleParser, type ParsedMail } from 'mailparser';
import mjml2html from 'mjml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { Editorial } from '../../src/model.ts';
import {
  composeMessage,
  personalize,
  renderEmail,
  sampleUnsubscribeUrl,
  type EmailTemplate,
} from '../../src/render/email/index.ts';
import { renderEmailMjml } from '../../src/render/email/mjml-source.ts';
import { unsubscribePlaceholder } from '../../src/render/email/placeholder.ts';
import { urls } from '../../src/render/urls.ts';
import { inline, makeEditorial } from '../fixtures/editorial.ts';
import { htmlXPath } from '../helpers/html.ts';

const config = loadConfig();
const UNSUBSCRIBE = 'https://monexus.example/unsubscribe?token=4f9c2b7e1d0a&list=daily';

/** The string value of an XPath 1.0 expression over `html`, as an independent HTML parser reads it. */
const xpath = (html: string, expression: string) => htmlXPath(html, expression).trim();
const text = (html: string, expression: string) => xpath(html, `normalize-space(${expression})`);
const count = (html: string, expression: string) => Number(xpath(html, `count(${expression})`));
/** XPath 1.0 has no escaping inside literals; concat() joins the pieces around quotes. */
const literal = (s: string) => (s.includes("'") ? `concat('${s.split("'").join(`', "'", '`)}')` : `'${s}'`);

async function send(
  editorial: Editorial,
  unsubscribeUrl = UNSUBSCRIBE,
): Promise<{ template: EmailTemplate; eml: string; mail: ParsedMail }> {
  const template = await renderEmail(editorial, config);
  const eml = composeMessage({
    config,
    template,
    to: 'reader@example.com',
    unsubscribeUrl,
    date: new Date('2026-06-04T06:00:00Z'),
    messageId: '<0001.harbour@monexus.example>',
  });
  return { template, eml, mail: await simpleParser(eml) };
}

const full = makeEditorial({
  summary: 'Talks were offered with the venue already chosen.',
  correction: 'An earlier version named the wrong port.',
  author: 'Monexus Desk',
});
const page = urls.page(config, full.slug);

describe('the email HTML, as a mail client receives it', async () => {
  const { mail, template } = await send(full);
  const html = mail.html as string;

  it('is the HTML part, in UTF-8, beside a plain-text part', () => {
    expect(typeof mail.html).toBe('string');
    expect(mail.text).toBeTruthy();
    expect(html).toContain('<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">');
  });

  it('opens with the hidden preheader (the summary), then the title', () => {
    const hidden = '//body//div[contains(@style,"display:none")]';
    expect(text(html, hidden)).toMatch(/^Talks were offered with the venue already chosen\./);
    expect(template.preheader).toBe('Talks were offered with the venue already chosen.');
    expect(text(html, '//h1')).toBe('The harbour talks that were not');
    expect(text(html, '//title')).toBe('The harbour talks that were not');
  });

  it('uses the first sentences as preheader when there is no summary', async () => {
    const { template: plain } = await send(makeEditorial());
    expect(plain.preheader).toBe(
      'The port authority offered talks. The offer came with a venue attached & a deadline.',
    );
    expect(plain.html).toContain(
      'The port authority offered talks. The offer came with a venue attached &amp; a deadline.',
    );
  });

  it('shows the correction above the body, the headings and paragraphs, then the provenance footer', () => {
    const body = text(html, '//body');
    const at = (s: string) => body.indexOf(s);
    expect(text(html, '//*[contains(@class,"bs-correction")]')).toBe(
      'Correction: An earlier version named the wrong port.',
    );
    expect(text(html, '//h2[1]')).toBe('The geometry of the offer');
    expect(count(html, '//h2')).toBe(2);
    expect(text(html, '//p[contains(@class,"framing-note")]')).toBe(full.framing);
    expect(text(html, `//h2[.=${literal('Wire provenance')}]`)).toBe('Wire provenance');
    const order = [
      'An earlier version named',
      'The port authority offered',
      'The geometry of the offer',
      'A meeting. A pause.',
      'Monexus frames the offer',
      'Wire provenance',
      'harbour_watch (Telegram)',
    ];
    expect(order.map(at).every((n, i, all) => n >= 0 && (i === 0 || n > all[i - 1]!))).toBe(true);
  });

  it('gives every source as a link with its label', () => {
    for (const source of full.sources) expect(text(html, `//a[@href=${literal(source.url)}]`)).toBe(source.label);
  });

  it('links to the page, to unsubscribe (this recipient), and names the publication and its postal address', () => {
    expect(text(html, `//a[.='View in browser'][1]/@href`)).toBe(page);
    expect(count(html, `//a[.='View in browser' and @href=${literal(page)}]`)).toBeGreaterThanOrEqual(1);
    expect(xpath(html, `string(//a[.='Unsubscribe or change topics']/@href)`)).toBe(UNSUBSCRIBE);
    expect(count(html, `//a[@href=${literal(UNSUBSCRIBE)}]`)).toBe(1);
    expect(text(html, '//body')).toContain(config.postalAddress);
    expect(text(html, '//body')).toContain(config.publication.name);
  });

  it('sets the language, reads in dark mode and adapts to small screens', () => {
    expect(xpath(html, 'string(/html/@lang)')).toBe('en');
    expect(count(html, '//meta[@name="color-scheme" and @content="light dark"]')).toBe(1);
    expect(count(html, '//meta[@name="supported-color-schemes" and @content="light dark"]')).toBe(1);
    const css = xpath(html, 'string(//head)');
    expect(css).toContain('@media (prefers-color-scheme: dark)');
    expect(css).toMatch(/@media only screen and \(max-width: ?480px\)/);
    expect(count(html, '//meta[@name="viewport"]')).toBe(1);
  });
});

describe('the plain-text part', async () => {
  const { mail } = await send(full);
  const plain = mail.text as string;

  it('carries the same content in the same order', () => {
    const items = [
      'The harbour talks that were not\n===',
      'Correction: An earlier version named the wrong port.',
      'The port authority offered talks. The offer came with a venue attached & a deadline.',
      'The geometry of the offer\n=====',
      'A meeting. A pause. A swap on the formula that has worked before.',
      full.framing!,
      'Wire provenance\n---------------',
      '- harbour_watch (Telegram): https://t.me/harbour_watch',
      '- Example Wire: https://example.org/wire/123',
      `View in browser: ${page}`,
      `Unsubscribe or change topics: ${UNSUBSCRIBE}`,
      config.postalAddress,
    ];
    const positions = items.map((item) => plain.indexOf(item));
    expect(positions.every((n) => n >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(plain).not.toContain('Continue reading');
  });
});

describe('right-to-left editorials', async () => {
  const arabic = makeEditorial({
    lang: 'ar',
    dir: 'rtl',
    title: 'محادثات الميناء التي لم تحدث',
    blocks: [
      { kind: 'paragraph', ...inline('عرضت سلطة الميناء إجراء محادثات. جاء العرض مع مكان محدد وموعد نهائي.') },
      { kind: 'heading', level: 2, ...inline('هندسة العرض') },
      { kind: 'paragraph', ...inline('اجتماع. توقف. مبادلة على الصيغة التي نجحت من قبل.') },
    ],
  });
  const { mail } = await send(arabic);
  const html = mail.html as string;

  it('marks the document and every text block right-to-left, right-aligned, in the editorial language', () => {
    expect(xpath(html, 'string(/html/@dir)')).toBe('rtl');
    expect(xpath(html, 'string(/html/@lang)')).toBe('ar');
    expect(count(html, '//div[@dir="ltr"]')).toBe(0);
    expect(
      count(html, '//div[@dir="rtl" and contains(@style,"direction:rtl") and contains(@style,"text-align:right")]'),
    ).toBeGreaterThanOrEqual(4);
    expect(text(html, '//div[@dir="rtl"][.//h2]//h2[1]')).toBe('هندسة العرض');
  });

  it('round-trips the Arabic subject', () => {
    expect(mail.subject).toBe('محادثات الميناء التي لم تحدث');
  });
});

describe('editorial text is shown, never executed', async () => {
  const hostile = makeEditorial({
    title: 'Markup {{title}} <mj-text> & <script>alert(1)</script>',
    summary: '{{{preheader}}} </mj-preview><mj-raw>',
    correction: '</mj-text><mj-raw><script>alert(2)</script></mj-raw>',
    author: '{{#each c}}x{{/each}}',
    blocks: [
      { kind: 'paragraph', ...inline('Template {{title}} and {{{bodyHtml}}} and {{> email-head}} stay text.') },
      { kind: 'paragraph', ...inline('Tags <mj-text>inner</mj-text> <mj-include path="/etc/passwd" /> stay text.') },
      { kind: 'paragraph', ...inline('<script>alert(1)</script> stays text.') },
    ],
  });
  const { mail, template } = await send(hostile);
  const html = mail.html as string;

  it('compiles, with no script element and every fragment visible as typed', () => {
    expect(count(html, '//script')).toBe(0);
    expect(text(html, '//h1')).toBe('Markup {{title}} <mj-text> & <script>alert(1)</script>');
    const body = text(html, '//body');
    for (const fragment of [
      'Template {{title}} and {{{bodyHtml}}} and {{> email-head}} stay text.',
      'Tags <mj-text>inner</mj-text> <mj-include path="/etc/passwd" /> stay text.',
      '<script>alert(1)</script> stays text.',
      '</mj-text><mj-raw><script>alert(2)</script></mj-raw>',
      '{{#each c}}x{{/each}}',
    ]) {
      expect(body).toContain(fragment);
    }
    expect(template.preheader).toBe('{{{preheader}}} </mj-preview><mj-raw>');
    expect(mail.subject).toBe('Markup {{title}} <mj-text> & <script>alert(1)</script>');
  });

  it('keeps the plain-text part literal too', () => {
    expect(mail.text).toContain('Template {{title}} and {{{bodyHtml}}} and {{> email-head}} stay text.');
    expect(mail.text).toContain('<script>alert(1)</script> stays text.');
  });
});

describe('personalisation', async () => {
  const template = await renderEmail(full, config);

  it('splices each recipient URL into HTML rendered once, leaving everything else byte-identical', () => {
    const a = personalize(template, { unsubscribeUrl: 'https://monexus.example/unsubscribe?token=aaa' });
    const b = personalize(template, { unsubscribeUrl: 'https://monexus.example/unsubscribe?token=bbb' });
    expect(a.html).not.toBe(b.html);
    expect(a.html.split('token=aaa')).toHaveLength(2);
    expect(a.html.replace('token=aaa', 'token=X')).toBe(b.html.replace('token=bbb', 'token=X'));
    expect(a.text.replace('token=aaa', 'token=X')).toBe(b.text.replace('token=bbb', 'token=X'));
    expect(template.html.split(template.placeholder).join('https://monexus.example/unsubscribe?token=aaa')).toBe(
      a.html,
    );
  });

  it('escapes the URL for the attribute, so a reader following the link gets it exactly', () => {
    const { html, text: plain } = personalize(template, { unsubscribeUrl: UNSUBSCRIBE });
    expect(html).toContain('token=4f9c2b7e1d0a&amp;list=daily');
    expect(xpath(html, `string(//a[.='Unsubscribe or change topics']/@href)`)).toBe(UNSUBSCRIBE);
    expect(plain).toContain(`Unsubscribe or change topics: ${UNSUBSCRIBE}\n`);
  });

  it('refuses a URL that could break out of its attribute or line', () => {
    for (const bad of [
      'https://x.example/u?"><script>',
      'https://x.example/u\r\nBcc: a@b.c',
      'javascript:alert(1)',
      'https://x.example/a b',
    ]) {
      expect(() => personalize(template, { unsubscribeUrl: bad })).toThrow();
    }
  });

  it('never splices into editorial text that imitates a placeholder', async () => {
    const imitation = makeEditorial({
      blocks: [
        { kind: 'paragraph', ...inline(`Old token ${template.placeholder} and bsunsub000000000000000000000000 stay.`) },
        ...full.blocks,
      ],
    });
    const copy = await renderEmail(imitation, config);
    expect(copy.placeholder).not.toBe(template.placeholder);
    expect(copy.placeholder).toMatch(/^bsunsub[0-9a-f]{24}$/);
    const { html, text: plain } = personalize(copy, { unsubscribeUrl: UNSUBSCRIBE });
    expect(text(html, '//body')).toContain(
      `Old token ${template.placeholder} and bsunsub000000000000000000000000 stay.`,
    );
    expect(html.split(UNSUBSCRIBE.replace('&', '&amp;'))).toHaveLength(2);
    expect(plain.split(UNSUBSCRIBE)).toHaveLength(2);
    expect(plain).toContain(`Old token ${template.placeholder}`);
  });

  it('steps past every placeholder of the series the text already holds, to the first it does not', async () => {
    // The series is public: text may hold its first tokens on purpose, a few or very many.
    const series: string[] = [];
    unsubscribePlaceholder([], (token) => series.push(token) > 400);
    const held = series.slice(0, 400);
    const crafted = makeEditorial({
      blocks: [
        { kind: 'paragraph', ...inline(held.slice(0, 3).join(' ')) },
        { kind: 'paragraph', ...inline(held.slice(3).join('')) },
        ...full.blocks,
      ],
    });
    const copy = await renderEmail(crafted, config);
    expect(copy.placeholder).toBe(series[400]);
    expect(copy.html.split(copy.placeholder)).toHaveLength(2);
    expect(copy.text.split(copy.placeholder)).toHaveLength(2);
    // The same editorial gets the same placeholder at every render.
    expect((await renderEmail(crafted, config)).placeholder).toBe(copy.placeholder);
  });

  it('gives the offline builder a stable sample URL that does not reveal the address', () => {
    const url = sampleUnsubscribeUrl(config, full.slug, 'reader@example.com');
    expect(url).toBe(sampleUnsubscribeUrl(config, full.slug, 'reader@example.com'));
    expect(url).not.toBe(sampleUnsubscribeUrl(config, full.slug, 'other@example.com'));
    expect(url).toMatch(/^https:\/\/monexus\.example\/unsubscribe\?token=sample-[0-9a-f]+$/);
    expect(url).not.toContain('reader');
  });
});

describe('the MJML source', () => {
  it('is valid MJML for the whole editorial, with the body in a single mj-text', async () => {
    const mjml = renderEmailMjml(full, config);
    const result = await mjml2html(mjml, { validationLevel: 'strict' });
    expect(result.errors).toEqual([]);
    expect(mjml.match(/<mj-text css-class="bs-text bs-article"/g)).toHaveLength(1);
    expect(text(result.html, '//td[contains(@class,"bs-article")]')).toBe(
      'The port authority offered talks. The offer came with a venue attached & a deadline. The geometry of the offer A meeting. A pause. A swap on the formula that has worked before.',
    );
  });
});

describe('determinism', () => {
  it('renders byte-identical HTML, text and message for the same input', async () => {
    const one = await send(full);
    const two = await send(structuredClone(full));
    expect(two.template.html).toBe(one.template.html);
    expect(two.template.text).toBe(one.template.text);
    expect(two.eml).toBe(one.eml);
  });
});
