/** An email rendered once per editorial; each recipient's copy only splices in an unsubscribe URL. */
export interface EmailTemplate {
  /** The title on one line. */
  subject: string;
  /** The summary, else the first sentences of the body. */
  preheader: string;
  /** Complete HTML, holding `placeholder` where each recipient's unsubscribe URL goes. */
  html: string;
  /** The plain-text part, holding the same placeholder. */
  text: string;
  placeholder: string;
  /** True when the body was cut to stay under the clipping limit; both parts then end with a link to the page. */
  clipped: boolean;
  pageUrl: string;
  /** The language of the email's own words (the MIME preamble follows it); English when absent. */
  language?: string;
}

/**
 * A piece of the compiled email layout (layout.generated.ts): HTML as mjml wrote it, a slot the render fills from the
 * view's field at `slot` (a dotted path; escaped as Handlebars escapes `{{ }}`, unless `raw`, the `{{{ }}}` of the
 * source), or pieces kept only when the field at `when` is truthy (`{{#if}}`).
 */
export type LayoutPiece =
  | string
  | { readonly slot: string; readonly raw?: true }
  | { readonly when: string; readonly then: readonly LayoutPiece[] };

export type EmailLayout = readonly LayoutPiece[];
