import type { EmailView } from './content.ts';
import { fillLayout } from './layout-fill.ts';
import { emailLayouts } from './layout.generated.ts';

/**
 * The email's HTML for one view: the layout mjml compiled at build time (`npm run build:email`) for the view's
 * direction, its slots filled. The same bytes mjml writes for the filled MJML source
 * (test/unit/email-layout-equivalence.test.ts), without loading mjml.
 */
export function fillEmailLayout(view: EmailView): string {
  return fillLayout(emailLayouts[view.dir], view);
}
