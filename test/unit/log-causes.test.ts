// A logged failure says what went wrong below it too: the cause chain is printed, masked like the rest of the line.
import { describe, expect, it } from 'vitest';
import { BroadsheetError } from '../../src/errors.ts';
import { ADDRESS_MASK, createLogger } from '../../src/log.ts';

function logged(error: unknown): Record<string, unknown> {
  const lines: string[] = [];
  createLogger({}, (line) => lines.push(line)).error('send failed', { error });
  return (JSON.parse(lines[0]!) as { error: Record<string, unknown> }).error;
}

describe('the logger and causes', () => {
  it('prints each error of the cause chain, addresses masked', () => {
    const socket = new Error('socket hang up talking about reader@example.org');
    const sdk = new Error('ECONNRESET', { cause: socket });
    const ours = new BroadsheetError('the mail service did not answer', { cause: sdk });
    expect(logged(ours)).toEqual({
      name: 'BroadsheetError',
      message: 'the mail service did not answer',
      cause: {
        name: 'Error',
        message: 'ECONNRESET',
        cause: { name: 'Error', message: `socket hang up talking about ${ADDRESS_MASK}` },
      },
    });
  });

  it('prints a cause that is not an error as it is, and ends a chain that loops', () => {
    expect(logged(new Error('refused', { cause: { status: 503 } }))).toEqual({
      name: 'Error',
      message: 'refused',
      cause: { status: 503 },
    });
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    a.cause = b;
    const printed = JSON.stringify(logged(a));
    expect(printed).toContain('[further causes left out]');
  });

  it('prints an error without a cause as before: its name and message only', () => {
    expect(logged(new Error('plain'))).toEqual({ name: 'Error', message: 'plain' });
  });
});
