import { BroadsheetError } from '../../errors.ts';

/** A dispatch's template is missing or unusable: nothing of the dispatch can be sent until it is fixed. */
export class TemplateError extends BroadsheetError {
  override name = 'TemplateError';
}
