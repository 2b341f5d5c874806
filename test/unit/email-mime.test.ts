import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.ts';
import type { Editorial } from '../../src/model.ts';
import { composeMessage, renderEmail, unsubscribeHeaders, type EmailTemplate } from '../../src/render/email/index.ts';
import { bulkHeaders, publicationLabel } from '../../src/render/email/mime.ts';
import { renderEditorialOutputs } from '../../src/render/outputs.ts';
import { HeaderError } from '../../src/render/email/headers.ts';
import { mailbox } from '../../src/render/email/headers.ts';
import { dropForbiddenChars } from '../../src/render/escape.ts';
import { dropBidiControls } from '../../src/strings.ts';
import { inline, makeEditorial } from '../fixtures/editorial.ts';
import { importGraph } from '../helpers/import-graph.ts';

const config = loadConfig();
const UNSUBSCRIBE = 'https://monexus.example/unsubscribe?token=4f9c2b7e1d0a';
const DATE = new Date('2026-06-04T06:00:00Z');

function compose(
  template: EmailTemplate,
  options: { config?: Config; to?: string; unsubscribeUrl?: string; dispatchId?: string } = {},
): string {
  return composeMessage({
    config: options.config ?? config,
    template,
    to: options.to ?? 'reader@example.com',
    unsubscribeUrl: options.unsubscribeUrl ?? UNSUBSCRIBE,
    date: DATE,
    messageId: '<0001.harbour@monexus.example>',
    dispatchId: options.dispatchId ?? '2026-06-04-harbour',
  });
}

const headerBlock = (eml: string) => eml.slice(0, eml.indexOf('\r\n\r\n'));
/** Header names as a receiving MTA sees them: a line that does not start with whitespace starts a field. */
const headerNames = (eml: string) =>
  headerBlock(eml)
    .split('\r\n')
    .filter((l) => !/^[ \t]/.test(l))
    .map((l) => l.slice(0, l.indexOf(':')).toLowerCase());

/** What a title becomes as a subject: forbidden characters and bidi controls dropped, line breaks made one space. */
const expectedSubject = (title: string) =>
  dropBidiControls(dropForbiddenChars(title))
    .replace(/\s*[\r\n\u2028\u2029]+\s*/g, ' ')
    .replace(/\t/g, ' ')
    .trim();

const render = (overrides: Partial<Editorial>) => renderEmail(makeEditorial(overrides), config);

/** Every header a bulk email carries, in the order it is written, and no other. */
const HEADER_ORDER = [
  'from',
  'to',
  'reply-to',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'list-id',
  'list-unsubscribe',
  'list-unsubscribe-post',
  'feedback-id',
  'content-type',
];

describe('the message structure', async () => {
  const eml = compose(await render({}));
  const mail = await simpleParser(eml);

  it('uses CRLF line endings only, header lines within 78 characters and body lines within 76', () => {
    expect(eml.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const [head, ...body] = eml.split('\r\n\r\n');
    for (const line of head!.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
    for (const line of body.join('\r\n\r\n').split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
  });

  it('has sender, recipient, reply address, date and message id', () => {
    expect(mail.from?.value).toEqual([{ address: 'desk@monexus.example', name: 'Monexus Desk' }]);
    expect(mail.to && !Array.isArray(mail.to) && mail.to.value[0]?.address).toBe('reader@example.com');
    expect(mail.replyTo?.value[0]?.address).toBe('letters@monexus.example');
    expect(mail.date?.toISOString()).toBe(DATE.toISOString());
    expect(eml).toContain('\r\nDate: Thu, 04 Jun 2026 06:00:00 +0000\r\n');
    expect(mail.messageId).toBe('<0001.harbour@monexus.example>');
    expect(headerNames(eml)).toEqual(HEADER_ORDER);
  });

  it('is multipart/alternative, plain text first then HTML, both UTF-8 quoted-printable', () => {
    expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    const parts = [
      ...eml.matchAll(/\r\nContent-Type: (text\/[a-z]+; charset=UTF-8)\r\nContent-Transfer-Encoding: (\S+)\r\n/g),
    ].map((m) => [m[1], m[2]]);
    expect(parts).toEqual([
      ['text/plain; charset=UTF-8', 'quoted-printable'],
      ['text/html; charset=UTF-8', 'quoted-printable'],
    ]);
    expect(mail.text).toContain('The port authority offered talks.');
    expect(mail.html).toContain('<h1');
    expect(mail.attachments).toHaveLength(0);
  });

  it('offers one-click unsubscribe: https then mailto, and the RFC 8058 post header exactly', () => {
    const lines = Object.fromEntries(mail.headerLines.map((h) => [h.key, h.line.replace(/\r\n[ \t]/g, ' ')]));
    expect(lines['list-unsubscribe']).toBe(
      `List-Unsubscribe: <${UNSUBSCRIBE}>, <mailto:unsubscribe@monexus.example?subject=unsubscribe>`,
    );
    expect(lines['list-unsubscribe-post']).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(mail.headers.get('list')).toMatchObject({ unsubscribe: { url: UNSUBSCRIBE } });
  });

  it('offers only the https URL when no unsubscribe address is configured', () => {
    const noMailto = { ...config, unsubscribe: { url: config.unsubscribe.url } };
    expect(unsubscribeHeaders(noMailto, UNSUBSCRIBE)).toEqual([
      { name: 'List-Unsubscribe', value: `<${UNSUBSCRIBE}>` },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ]);
    expect(() => unsubscribeHeaders(config, 'http://monexus.example/unsubscribe')).toThrow(/https/);
  });
});

describe('bulk-sender headers', async () => {
  /** Gmail's feedback loop: four fields split at ":", each of [A-Za-z0-9_.-]. */
  const FEEDBACK_ID = /^[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+$/;
  const unfolded = (eml: string, name: string) =>
    headerBlock(eml)
      .replace(/\r\n[ \t]/g, ' ')
      .split('\r\n')
      .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
      ?.slice(name.length + 2);

  it('names the list (RFC 2919) and the dispatch for the feedback loop, in a parsed .eml', async () => {
    const eml = compose(await render({}));
    const mail = await simpleParser(eml);
    expect(mail.headers.get('list')).toMatchObject({ id: { name: 'Monexus', id: 'newsletter.monexus.example' } });
    expect(unfolded(eml, 'List-Id')).toBe('"Monexus" <newsletter.monexus.example>');
    const feedbackId = String(mail.headers.get('feedback-id'));
    expect(feedbackId).toBe('2026-06-04-harbour:editorial:monexus:monexus.example');
    expect(feedbackId).toMatch(FEEDBACK_ID);
  });

  it('are in the builder’s email.eml sample, its Feedback-ID naming the editorial’s slug', async () => {
    const { files } = await renderEditorialOutputs(makeEditorial({}), config);
    const eml = files.find((f) => f.name === 'email.eml')!.body;
    const mail = await simpleParser(eml);
    expect(mail.headers.get('list')).toMatchObject({ id: { name: 'Monexus', id: 'newsletter.monexus.example' } });
    expect(String(mail.headers.get('feedback-id'))).toBe('2026-06-04-harbour-talks:editorial:monexus:monexus.example');
    expect(headerNames(eml)).toContain('list-unsubscribe-post');
  });

  it('keeps every field safe whatever the dispatch id and the publication name', async () => {
    const template = await render({});
    const hostile = {
      ...config,
      publication: { ...config.publication, name: 'Ça "va"\r\nBcc: evil@x.example  Україна' },
    };
    const eml = compose(template, { config: hostile, dispatchId: 'a:b\r\nBcc: x@y~1780000000' });
    const mail = await simpleParser(eml);
    expect(mail.headers.has('bcc')).toBe(false);
    expect(String(mail.headers.get('feedback-id'))).toMatch(FEEDBACK_ID);
    expect(String(mail.headers.get('feedback-id'))).toBe(
      'a_b__Bcc__x_y_1780000000:editorial:ca-va-bcc-evil-x-example:monexus.example',
    );
    // Non-ASCII names travel as encoded-words (mailparser leaves them so) and decode back, line breaks made one space.
    const list = mail.headers.get('list') as { id: { name: string; id: string } };
    expect(list.id.id).toBe('newsletter.monexus.example');
    const decoded = Buffer.concat(
      [...list.id.name.matchAll(/=\?UTF-8\?B\?([^?]*)\?=/g)].map((m) => Buffer.from(m[1]!, 'base64')),
    ).toString('utf8');
    expect(decoded).toBe('Ça "va" Bcc: evil@x.example Україна');
    for (const { value } of bulkHeaders(hostile, {
      unsubscribeUrl: UNSUBSCRIBE,
      dispatchId: 'x'.repeat(5000),
      kind: 'editorial',
    })) {
      expect(value).toMatch(/^[\x20-\x7e]{1,870}$/);
    }
    for (const line of headerBlock(eml).split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
  });

  it('gives the dispatch worker the same headers on one line each, List-Id first', () => {
    const headers = bulkHeaders(config, { unsubscribeUrl: UNSUBSCRIBE, dispatchId: 'x_1780000000', kind: 'editorial' });
    expect(headers.map((h) => h.name)).toEqual(['List-Id', 'List-Unsubscribe', 'List-Unsubscribe-Post', 'Feedback-ID']);
    expect(headers.find((h) => h.name === 'Feedback-ID')?.value).toBe('x_1780000000:editorial:monexus:monexus.example');
    expect(bulkHeaders(config, { unsubscribeUrl: UNSUBSCRIBE, dispatchId: 'd', kind: 'digest' })[3]?.value).toBe(
      'd:digest:monexus:monexus.example',
    );
    for (const { value } of headers) expect(value).not.toMatch(/[\r\n]/);
  });

  it('derives a label from any name, and refuses a sender without a domain name', () => {
    const named = (name: string) => publicationLabel({ ...config, publication: { ...config.publication, name } });
    expect(named('Le Monde diplomatique')).toBe('le-monde-diplomatique');
    expect(named('  Café Crème & Co. ')).toBe('cafe-creme-co');
    expect(named('Україна')).toBe('newsletter');
    expect(named('x'.repeat(100))).toHaveLength(63);
    const literal = { ...config, sender: { ...config.sender, address: 'desk@[192.0.2.1]' } };
    expect(() => bulkHeaders(literal, { unsubscribeUrl: UNSUBSCRIBE, dispatchId: 'd', kind: 'editorial' })).toThrow(
      HeaderError,
    );
  });
});

describe('subjects in any script', () => {
  const titles = {
    ascii: 'The harbour talks that were not',
    'long ascii':
      'The harbour talks that were not, and the long list of reasons the port authority gave for holding them anyway',
    cyrillic: 'Переговоры в гавани, которых не было: почему предложение пришло с готовой площадкой и сроком',
    arabic: 'محادثات الميناء التي لم تحدث: لماذا جاء العرض مع مكان محدد وموعد نهائي',
    emoji: 'Harbour talks 🚢⚓ — 👩🏽‍⚖️ judges, 🇺🇦 flags and 👨‍👩‍👧‍👦 families',
    'encoded-word lookalike': 'Why =?UTF-8?B?SGk=?= is not a greeting',
  };
  for (const [name, title] of Object.entries(titles)) {
    it(`round-trips a ${name} subject, folded within 78 columns`, async () => {
      const eml = compose(await render({ title }));
      const mail = await simpleParser(eml);
      expect(mail.subject).toBe(title);
      for (const line of headerBlock(eml).split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
    });
  }

  it('encodes a non-ASCII sender name and keeps its address', async () => {
    const named = { ...config, sender: { ...config.sender, name: 'Монексус — редакция' } };
    const mail = await simpleParser(compose(await render({}), { config: named }));
    expect(mail.from?.value).toEqual([{ address: 'desk@monexus.example', name: 'Монексус — редакция' }]);
  });
});

describe('header injection', () => {
  it('a title with CR/LF never adds a header', async () => {
    const eml = compose(await render({ title: 'Harbour talks\r\nBcc: evil@x.example\r\n\r\n<b>body</b>' }));
    const mail = await simpleParser(eml);
    expect(mail.bcc).toBeUndefined();
    expect(mail.headers.has('bcc')).toBe(false);
    expect(headerNames(eml)).not.toContain('bcc');
    expect(mail.subject).toBe('Harbour talks Bcc: evil@x.example <b>body</b>');
  });

  it('a sender name or author with line breaks never adds a header', async () => {
    const sneaky = { ...config, sender: { ...config.sender, name: 'Desk\nBcc: evil@x.example' } };
    const eml = compose(await render({ author: 'Desk\r\nBcc: evil@x.example' }), { config: sneaky });
    const mail = await simpleParser(eml);
    expect(mail.headers.has('bcc')).toBe(false);
    expect(mail.from?.value[0]?.name).toBe('Desk Bcc: evil@x.example');
  });

  it('refuses a recipient, message id or unsubscribe URL that would smuggle a header', async () => {
    const template = await render({});
    expect(() => compose(template, { to: 'reader@example.com\r\nBcc: evil@x.example' })).toThrow();
    expect(() => compose(template, { to: 'Reader <reader@example.com>' })).toThrow();
    expect(() => compose(template, { unsubscribeUrl: `${UNSUBSCRIBE}\r\nBcc: evil@x.example` })).toThrow();
    expect(() =>
      composeMessage({
        config,
        template,
        to: 'reader@example.com',
        unsubscribeUrl: UNSUBSCRIBE,
        date: DATE,
        messageId: '<a@b>\r\nBcc: evil@x.example',
      }),
    ).toThrow();
  });
});

describe('random text never breaks the message', () => {
  const tricky = fc.constantFrom(
    '\r\n',
    '\n',
    '\r',
    '\u2028',
    '\t',
    'Bcc: evil@x.example',
    '=?UTF-8?B?',
    '?=',
    '--',
    '=_bs_',
    '.',
    'From ',
    ' ',
    '\u0000',
    '\ud800',
    '🇺🇦',
    'é',
    'ب',
  );
  const text = fc
    .array(fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), tricky), { maxLength: 12 })
    .map((parts) => parts.join(''));
  const title = text.filter((t) => expectedSubject(t).length > 0);

  it('gives back the exact subject and paragraph, with only the expected headers', async () => {
    await fc.assert(
      fc.asyncProperty(title, text, async (t, paragraph) => {
        const template = await render({ title: t, blocks: [{ kind: 'paragraph', ...inline(paragraph) }] });
        const eml = compose(template);
        const mail = await simpleParser(eml);
        expect(template.subject).toBe(expectedSubject(t));
        expect(mail.subject).toBe(template.subject);
        expect(headerNames(eml)).toEqual(HEADER_ORDER);
        expect(mail.headers.has('bcc')).toBe(false);
        expect(mail.attachments).toHaveLength(0);
        const shown = dropForbiddenChars(paragraph).replace(/\r\n?/g, '\n').trim();
        if (shown) expect(mail.text).toContain(shown);
        expect(mail.text).toContain(`Unsubscribe or change topics: ${UNSUBSCRIBE}`);
        expect(mail.html).toContain(`href="${UNSUBSCRIBE}"`);
        for (const line of eml.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
      }),
      { numRuns: 60 },
    );
  });
});

describe('quoted-printable bodies', () => {
  it('survive relays that alter lines starting with "." or "From ", and decode back exactly', async () => {
    const lines = [
      'From the harbour, a letter.',
      '.',
      '. Dot first',
      'Trailing space ',
      `${'é'.repeat(60)} = ${'x'.repeat(90)}`,
    ];
    const template = await render({ blocks: lines.map((l) => ({ kind: 'paragraph' as const, ...inline(l) })) });
    const eml = compose(template);
    const body = eml.slice(eml.indexOf('\r\n\r\n') + 4);
    expect(body).not.toMatch(/(^|\r\n)(From |\.)/);
    const mail = await simpleParser(eml);
    for (const line of lines) expect(mail.text).toContain(`${line}\n`);
  });
});

describe('the sending side', () => {
  it('personalises and composes without loading mjml or Handlebars', () => {
    const graphs = ['personalize.ts', 'mime.ts'].map((entry) => importGraph(`src/render/email/${entry}`));
    const files = new Set(graphs.flatMap((g) => [...g.files]));
    const packages = new Set(graphs.flatMap((g) => [...g.packages]));
    expect(files.size).toBeGreaterThan(2);
    expect([...packages].filter((m) => /mjml|handlebars/.test(m))).toEqual([]);
  });
});

describe('mailbox: a sender on one line, for the SES API', () => {
  it.each([
    ['Monexus Desk', '"Monexus Desk" <desk@monexus.example>'],
    ['Десk "Монексус"', undefined],
    ['', '<desk@monexus.example>'],
  ])('%j reads back through a MIME parser', async (name, literal) => {
    const value = mailbox(name, 'desk@monexus.example');
    expect(value).not.toMatch(/[\r\n]/);
    if (literal) expect(value).toBe(literal);
    const parsed = await simpleParser(`From: ${value}\r\n\r\nbody`);
    expect(parsed.from?.value).toEqual([{ address: 'desk@monexus.example', name }]);
  });
});
