import { JSDOM } from 'jsdom';

/*
 * An independent reading of the markup Broadsheet writes: jsdom's HTML parser (the WHATWG algorithm browsers
 * use) and its XPath 1.0 engine. Documents are parsed once and kept for the next question about the same text.
 */
const parsed = new Map<string, Document>();
// One window's DOMParser runs the same parser as a new JSDOM at a fraction of the cost of a window per document.
let parser: DOMParser | undefined;

function documentOf(html: string): Document {
  let document = parsed.get(html);
  if (!document) {
    parser ??= new new JSDOM('').window.DOMParser();
    document = parser.parseFromString(html, 'text/html');
    if (parsed.size >= 8) parsed.delete(parsed.keys().next().value!);
    parsed.set(html, document);
  }
  return document;
}

/** The nodes an XPath expression selects. */
export function htmlNodes(html: string, expression: string): Node[] {
  const document = documentOf(html);
  const result = document.evaluate(expression, document, null, 7 /* ORDERED_NODE_SNAPSHOT_TYPE */, null);
  return Array.from({ length: result.snapshotLength }, (_, i) => result.snapshotItem(i)!);
}

/**
 * The elements a CSS selector list selects, in document order: for questions CSS can ask, jsdom's selector engine
 * answers them many times faster than its XPath engine walks `//` steps.
 */
export function htmlSelect(html: string, selectors: string): Element[] {
  return Array.from(documentOf(html).querySelectorAll(selectors));
}

/**
 * The value of an XPath expression as text: a string, number or boolean as it is, a node set as the text of its
 * nodes one a line ('' when it selects nothing).
 */
export function htmlXPath(html: string, expression: string): string {
  const document = documentOf(html);
  const result = document.evaluate(expression, document, null, 0 /* ANY_TYPE */, null);
  switch (result.resultType) {
    case 1:
      return String(result.numberValue);
    case 2:
      return result.stringValue;
    case 3:
      return String(result.booleanValue);
    default: {
      const texts: string[] = [];
      for (let node = result.iterateNext(); node; node = result.iterateNext()) texts.push(node.textContent ?? '');
      return texts.join('\n');
    }
  }
}
