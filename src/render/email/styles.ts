import type { BodyStyles } from '../body.ts';
import type { FooterStyles } from '../footer.ts';

/**
 * Light colours chosen so a client that inverts them (Gmail apps, Outlook.com) still gives readable contrast;
 * clients honouring prefers-color-scheme get the dark palette from the style sheet in the template.
 */
export const palette = {
  page: '#f2efe8',
  card: '#ffffff',
  text: '#1f1f1f',
  muted: '#595959',
  rule: '#d6d0c4',
  link: '#1a56a0',
  codeBackground: '#f2efe8',
  correctionBackground: '#fff3d1',
  correctionBorder: '#a87800',
  correctionText: '#3b2c00',
} as const;

export const FONT = "Georgia, 'Times New Roman', Times, serif";
export const MONO = "Menlo, Consolas, 'Courier New', monospace";

export type Direction = 'ltr' | 'rtl';

const start = (dir: Direction) => (dir === 'rtl' ? 'right' : 'left');

/** Block-level text alignment for the editorial's direction, for every wrapper in the email. */
export function textFlow(dir: Direction): string {
  return `direction:${dir};text-align:${start(dir)};`;
}

/**
 * Inline styles for the body: Gmail and Outlook drop or ignore most style sheets. One object per direction, the same
 * at every render, so that the tags written with it are kept with it (body.ts) rather than written again.
 */
export function emailBodyStyles(dir: Direction): BodyStyles {
  return BODY_STYLES[dir];
}

function bodyStyles(dir: Direction): BodyStyles {
  const indent = dir === 'rtl' ? '0 24px 0 0' : '0 0 0 24px';
  return {
    h2: `margin:28px 0 10px;font-family:${FONT};font-size:22px;line-height:1.3;font-weight:bold;`,
    h3: `margin:24px 0 8px;font-family:${FONT};font-size:19px;line-height:1.35;font-weight:bold;`,
    h4: `margin:20px 0 8px;font-family:${FONT};font-size:17px;line-height:1.4;font-weight:bold;`,
    p: 'margin:0 0 16px;',
    blockquote: `margin:0 0 16px;padding:${indent};border-${start(dir)}:3px solid ${palette.rule};color:${palette.muted};`,
    ul: `margin:0 0 16px;padding:${indent};`,
    ol: `margin:0 0 16px;padding:${indent};`,
    li: 'margin:0 0 6px;',
    pre: `margin:0 0 16px;padding:12px;background-color:${palette.codeBackground};font-family:${MONO};font-size:14px;line-height:1.45;white-space:pre-wrap;word-wrap:break-word;direction:ltr;text-align:left;`,
  };
}

export function emailFooterStyles(dir: Direction): FooterStyles {
  return FOOTER_STYLES[dir];
}

function footerStyles(dir: Direction): FooterStyles {
  return {
    container: `margin:32px 0 0;padding:16px 0 0;border-top:1px solid ${palette.rule};font-size:15px;line-height:1.5;`,
    framing: `margin:0 0 14px;font-style:italic;color:${palette.muted};`,
    heading: `margin:0 0 8px;font-family:${FONT};font-size:16px;line-height:1.3;font-weight:bold;`,
    intro: 'margin:0 0 8px;',
    list: `margin:0;padding:${dir === 'rtl' ? '0 20px 0 0' : '0 0 0 20px'};`,
    item: 'margin:0 0 4px;',
    link: `color:${palette.link};text-decoration:underline;`,
  };
}

const BODY_STYLES: Readonly<Record<Direction, BodyStyles>> = {
  ltr: Object.freeze(bodyStyles('ltr')),
  rtl: Object.freeze(bodyStyles('rtl')),
};
const FOOTER_STYLES: Readonly<Record<Direction, FooterStyles>> = {
  ltr: Object.freeze(footerStyles('ltr')),
  rtl: Object.freeze(footerStyles('rtl')),
};

export const linkStyle = `color:${palette.link};text-decoration:underline;`;

export function correctionStyle(dir: Direction): string {
  return `margin:0 0 20px;padding:12px 14px;background-color:${palette.correctionBackground};border-${start(dir)}:4px solid ${palette.correctionBorder};color:${palette.correctionText};font-size:15px;line-height:1.5;`;
}
