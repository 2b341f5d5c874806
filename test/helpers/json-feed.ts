import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

// The rules of JSON Feed 1.1 (https://jsonfeed.org/version/1.1) written as a JSON Schema: required fields,
// types, RFC 3339 dates, and keys outside the spec only as extensions (a leading underscore).
const author = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    url: { type: 'string', format: 'uri' },
    avatar: { type: 'string', format: 'uri' },
  },
  anyOf: [{ required: ['name'] }, { required: ['url'] }, { required: ['avatar'] }],
  patternProperties: { '^_': {} },
  additionalProperties: false,
};

const item = {
  type: 'object',
  required: ['id'],
  properties: {
    id: { type: 'string', minLength: 1 },
    url: { type: 'string', format: 'uri' },
    external_url: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    content_html: { type: 'string' },
    content_text: { type: 'string' },
    summary: { type: 'string' },
    image: { type: 'string', format: 'uri' },
    banner_image: { type: 'string', format: 'uri' },
    date_published: { type: 'string', format: 'date-time' },
    date_modified: { type: 'string', format: 'date-time' },
    authors: { type: 'array', items: author },
    tags: { type: 'array', items: { type: 'string' } },
    language: { type: 'string', minLength: 1 },
    attachments: { type: 'array' },
  },
  anyOf: [{ required: ['content_html'] }, { required: ['content_text'] }],
  patternProperties: { '^_': { type: 'object' } },
  additionalProperties: false,
};

const feed = {
  type: 'object',
  required: ['version', 'title', 'items'],
  properties: {
    version: { const: 'https://jsonfeed.org/version/1.1' },
    title: { type: 'string' },
    home_page_url: { type: 'string', format: 'uri' },
    feed_url: { type: 'string', format: 'uri' },
    description: { type: 'string' },
    user_comment: { type: 'string' },
    next_url: { type: 'string', format: 'uri' },
    icon: { type: 'string', format: 'uri' },
    favicon: { type: 'string', format: 'uri' },
    authors: { type: 'array', items: author },
    language: { type: 'string', minLength: 1 },
    expired: { type: 'boolean' },
    hubs: { type: 'array' },
    items: { type: 'array', items: item },
  },
  patternProperties: { '^_': { type: 'object' } },
  additionalProperties: false,
};

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true });
    addFormats.default(ajv);
    compiled = ajv.compile(feed);
  }
  return compiled;
}

/** Every way `text` falls short of JSON Feed 1.1; empty when it is a valid feed. */
export function jsonFeedErrors(text: string): string[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    return [`not JSON: ${(err as Error).message}`];
  }
  const validate = validator();
  if (validate(document)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'} ${JSON.stringify(e.params)}`,
  );
}
