import { BroadsheetError } from '../errors.ts';
/** A mistake on the command line: the CLI prints it with the usage and exits 2. */
export class UsageError extends BroadsheetError {
  override name = 'UsageError';
}
