import { parseDocument } from 'yaml';

/*
 * What the desk puts under `approved/` during the local lifecycle, as it would in production: a correction is the
 * same slug again with a later `updated` and a `correction` note; a withdrawal is the approved object deleted; an
 * embargo is front matter with an `embargo` time (docs/editorial-format.md).
 */

/** The sample corrected, the sample withdrawn: two of the project's own (samples/). */
export const CORRECTED_SAMPLE = '2026-06-03-energy-grid.md';
export const WITHDRAWN_SAMPLE = '2026-06-02-grain-corridor.txt';

export const CORRECTION_NOTE = 'Corrected: an earlier version dated the first strikes to 27 May; they began on 28 May.';

/** The sample again, as its correction: a later `updated` and the note, the rest of the front matter as written. */
export function correctedMarkdown(markdown: string, updated: Date, note = CORRECTION_NOTE): string {
  const { frontMatter, body } = splitFrontMatter(markdown);
  const fields = parseDocument(frontMatter);
  fields.set('updated', iso(updated));
  fields.set('correction', note);
  return `---\n${fields.toString({ lineWidth: 0 })}---\n${body}`;
}

/** A new editorial nobody has seen, under embargo until `until`. Its slug starts with the day it was approved. */
export function embargoedEditorial(now: Date, until: Date): { name: string; slug: string; text: string } {
  const slug = embargoedSlug(now);
  const text = `---
title: "Black Sea talks: the communiqué was drafted before the meeting"
published: ${iso(now)}
author: Monexus Desk
lang: en
summary: "Both delegations arrive with the closing text agreed; what is left to negotiate is who is seen to concede."
topics: [diplomacy, europe]
framing: "Monexus frames the talks as the signing of a text settled in advance; the wire treats them as an open negotiation."
embargo: ${iso(until)}
provenance:
  - url: https://t.me/blacksea_desk
    label: Black Sea desk
  - https://www.example-wire.org/diplomacy/black-sea-talks
---

The delegations meeting this week arrive with a communiqué already circulated between their foreign ministries. The
open questions are about sequence and appearance: who announces the shipping guarantees first, and whose wording on
inspections is used.

## What the draft settles

Escorted lanes stay as they are, insurers keep their current terms, and a joint office logs every vessel that calls
at a Ukrainian port. None of this is new; writing it down together is.
`;
  return { name: `${slug}.md`, slug, text };
}

export function embargoedSlug(now: Date): string {
  return `${iso(now).slice(0, 10)}-black-sea-talks`;
}

function splitFrontMatter(markdown: string): { frontMatter: string; body: string } {
  const open = '---\n';
  const close = markdown.indexOf('\n---\n', open.length - 1);
  if (!markdown.startsWith(open) || close < 0)
    throw new Error('a Markdown editorial with front matter between two "---" lines');
  return { frontMatter: markdown.slice(open.length, close + 1), body: markdown.slice(close + '\n---\n'.length) };
}

/** RFC 3339 to the second, as the desk writes dates. */
function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
