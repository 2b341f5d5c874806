import { systemClock } from '../adapters/clock.ts';
import { createLogger } from '../log.ts';
import { digestWithdrawnKey } from '../pipeline/dispatch/ledger-keys.ts';
import { planDispatch } from '../pipeline/dispatch/plan.ts';
import type { DigestDeps } from '../pipeline/digest/send-digest.ts';
import { idTable, objectStore, pairTable, queue } from './adapters.ts';
import type { DeskRuntime } from './desk-runtime.ts';
import { RUNTIME_DEFAULTS } from './runtime-config.ts';

/**
 * `broadsheet digest send` on the desk's stack: the digest stage as the scheduled run wires it, planning through the
 * same planner, ledger and queue. Logs go nowhere: the command prints its own outcome.
 */
export function digestDeskDeps(runtime: DeskRuntime): DigestDeps {
  const clock = systemClock;
  const log = createLogger({ fn: 'desk' }, () => {});
  const editorials = objectStore(runtime, runtime.editorialsBucket);
  const plan = {
    editorials,
    subscribers: idTable(runtime, runtime.subscribersTable),
    ledger: pairTable(runtime, runtime.ledgerTable),
    queue: queue(runtime, runtime.dispatchQueueUrl),
    clock,
    log,
    // The workers stop a shard in time and take it up again, whatever its size: the default fits every send rate.
    shardSize: RUNTIME_DEFAULTS.shardSize,
  };
  return {
    editorials,
    config: runtime.publication,
    clock,
    log,
    planDispatch: async (request) => void (await planDispatch(plan, request)),
    withdrawFromDigest: ({ dispatchId, slug }) =>
      plan.ledger.put({ ...digestWithdrawnKey(dispatchId, slug), at: clock.now().toISOString() }),
  };
}
