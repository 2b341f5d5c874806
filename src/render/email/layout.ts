import type { EmailView } from './content.ts';
import { fillLayout, fillLayoutAround } from './layout-fill.ts';
import { emailLayouts } from './layout.generated.ts';

/**
 * The email's HTML for one view: the layout mjml compiled at build time (`npm run build:email`) for the view's
 * direction, its slots filled. The same bytes mjml writes for the filled MJML source
 * (test/unit/email-layout-equivalence.test.ts), without loading mjml.
 */
export function fillEmailLayout(view: EmailView): string {
  return fillLayout(emailLayouts[view.dir], view);
}

/**
 * The same HTML in parts around the place of the unsubscribe placeholder (the view's own `placeholder` is not used):
 * two parts when the layout holds the placeholder once, as it must.
 */
export function emailLayoutParts(view: EmailView): string[] {
  return fillLayoutAround(emailLayouts[view.dir], view, 'placeholder');
}
