import { BroadsheetError } from '../errors.ts';
/** Raised inside the parser when the editorial cannot be accepted; parseEditorial turns it into a Rejection. */
export class EditorialError extends BroadsheetError {
  readonly line: number | null;

  constructor(reason: string, line: number | null = null) {
    super(reason);
    this.name = 'EditorialError';
    this.line = line;
  }
}

export function reject(reason: string, line: number | null = null): never {
  throw new EditorialError(reason, line);
}
