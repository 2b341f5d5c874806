import { dropForbiddenChars } from '../escape.ts';

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

const TEXT: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' };
// Attribute values are normalised by XML parsers (tab, CR and LF become spaces) unless written as references.
const ATTRIBUTE: Record<string, string> = { ...TEXT, '"': '&quot;', '\t': '&#x9;', '\n': '&#xA;' };
// The RSS Best Practices Profile: in plain-text elements, hexadecimal references work in the most aggregators.
const RSS_TEXT: Record<string, string> = { '&': '&#x26;', '<': '&#x3C;', '>': '&#x3E;', '\r': '&#xD;' };

/** Element content: markup characters escaped (so `]]>` is too), characters XML forbids dropped. */
export function xmlText(text: string): string {
  const clean = dropForbiddenChars(text);
  // Content is often HTML, with markup characters everywhere: four native passes beat a callback for each of them.
  return MARKUP.test(clean)
    ? clean
        .replaceAll('&', TEXT['&']!)
        .replaceAll('<', TEXT['<']!)
        .replaceAll('>', TEXT['>']!)
        .replaceAll('\r', TEXT['\r']!)
    : clean;
}

const MARKUP = /[&<>\r]/;

export function xmlAttr(text: string): string {
  return dropForbiddenChars(text).replace(/[&<>"\r\n\t]/g, (c) => ATTRIBUTE[c]!);
}

/** Plain text inside RSS elements, encoded the way the RSS Best Practices Profile recommends. */
export function rssText(text: string): string {
  return dropForbiddenChars(text).replace(/[&<>\r]/g, (c) => RSS_TEXT[c]!);
}

/** A CDATA section holding `text` verbatim; a `]]>` inside is split across two sections. */
export function cdata(text: string): string {
  return `<![CDATA[${dropForbiddenChars(text).replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

type Attributes = Record<string, string | undefined>;

function attributes(attrs: Attributes): string {
  let out = '';
  for (const [key, value] of Object.entries(attrs)) if (value !== undefined) out += ` ${key}="${xmlAttr(value)}"`;
  return out;
}

export function openTag(name: string, attrs: Attributes): string {
  return `<${name}${attributes(attrs)}>`;
}

/** An element with escaped attribute values; `content` must already be escaped (or be markup this project made). */
export function element(name: string, attrs: Attributes, content?: string): string {
  return content === undefined ? `<${name}${attributes(attrs)}/>` : `<${name}${attributes(attrs)}>${content}</${name}>`;
}
