import type { Config } from '../../config.ts';
import type { Editorial } from '../../model.ts';
import { emailBlocksHtml, emailView } from './content.ts';
import { unsubscribePlaceholder } from './placeholder.ts';
import { emailMjmlTemplate } from './template.ts';

/**
 * The MJML source filled for the whole editorial, with an unsubscribe placeholder: what mjml compiled at every render
 * before the layout was compiled at build time. For the bench and the tests; no render imports it.
 */
export function renderEmailMjml(editorial: Editorial, config: Config): string {
  const render = emailMjmlTemplate();
  const blocks = emailBlocksHtml(editorial);
  const view = emailView(editorial, config, blocks, blocks.length, '');
  const bare = render(view);
  return render({ ...view, placeholder: unsubscribePlaceholder([bare]) });
}
