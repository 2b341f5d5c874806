import { describe, expect, it } from 'vitest';
import { accept, refuse } from '../helpers/parse-helpers.ts';

const correction = (resend: string) => `---
title: "Grid talks, corrected"
published: 2026-06-03T06:00:00Z
updated: 2026-06-03T12:00:00Z
${resend}
provenance:
  - https://t.me/grid_watch
---
The body of the correction.
`;

describe('resend: a correction that asks to go out again', () => {
  it('is off unless the front matter says resend: true', () => {
    expect(accept('grid.md', correction('')).resend).toBeUndefined();
    expect(accept('grid.md', correction('resend: false')).resend).toBeUndefined();
    expect(accept('grid.md', correction('resend: true')).resend).toBe(true);
  });

  it('rejects a value that is neither true nor false, naming its line', () => {
    const rejection = refuse('grid.md', correction('resend: often'));
    expect(rejection.line).toBe(5);
    expect(rejection.reason).toMatch(/"resend"/);
  });
});
