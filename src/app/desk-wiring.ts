import { systemClock } from '../adapters/clock.ts';
import { createLogger } from '../log.ts';
import type { DeskDeps } from '../pipeline/dispatch/desk-operations.ts';
import { pairTable, queue } from './adapters.ts';
import type { DeskRuntime } from './desk-runtime.ts';

/** The dispatch commands' dependencies on the desk's stack: the ledger and the dispatch queue. Logs go to stderr. */
export function dispatchDeskDeps(runtime: DeskRuntime): DeskDeps {
  return {
    ledger: pairTable(runtime, runtime.ledgerTable),
    queue: queue(runtime, runtime.dispatchQueueUrl),
    clock: systemClock,
    log: createLogger({ fn: 'desk' }, () => {}),
  };
}
