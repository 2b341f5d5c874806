import { loadConfig } from '../../src/config.ts';
import { createLogger, type Logger } from '../../src/log.ts';
import type { SubscriberDeps } from '../../src/subscribers/flows.ts';
import { SubscriberStore } from '../../src/subscribers/store.ts';
import { MemoryMailer } from './memory-mailer.ts';
import { MemoryTable } from './memory-table.ts';

/**
 * The subscriber flows of test/helpers/subscriber-deps.ts on a MemoryTable and a MemoryMailer, for tests about the
 * flows' logic rather than DynamoDB or SES (test/integration/key-value-table.contract.test.ts holds the table to DynamoDB's
 * promises). The clock is the test's (`now()` is read at every call); a confirmation is sent within the request.
 */
export function subscriberDepsInMemory(secret: string, now: () => Date, log: Logger = createLogger({}, () => {})) {
  const table = new MemoryTable({ partitionKey: 'id' });
  const mailer = new MemoryMailer();
  const deps: SubscriberDeps = {
    subscribers: table,
    mailer,
    config: loadConfig(),
    tokenSecret: secret,
    clock: { now, sleep: async () => {} },
    log,
    softBounceThreshold: 3,
  };
  return { table, mailer, deps, store: new SubscriberStore(table, secret, deps.clock) };
}
