import { DynamoTable } from '../../src/adapters/dynamo-table.ts';
import { SesMailer } from '../../src/adapters/ses-mailer.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger, type Logger } from '../../src/log.ts';
import type { SubscriberDeps } from '../../src/subscribers/flows.ts';
import { SubscriberStore } from '../../src/subscribers/store.ts';
import type { TestEmulators } from './emulators.ts';

/**
 * The subscriber flows on the emulators' `subscribers` table and SES, as the functions wire them, with a clock the
 * test sets (`now()` is read at every call) and no confirmation queue (a confirmation is sent within the request).
 */
export function subscriberDepsOn(
  emulators: TestEmulators,
  secret: string,
  now: () => Date,
  log: Logger = createLogger({}, () => {}),
) {
  const table = new DynamoTable(emulators.dynamo, { tableName: 'subscribers', partitionKey: 'id' });
  const deps: SubscriberDeps = {
    subscribers: table,
    mailer: new SesMailer(emulators.ses),
    config: loadConfig(),
    tokenSecret: secret,
    clock: { now, sleep: async () => {} },
    log,
    softBounceThreshold: 3,
  };
  return { table, deps, store: new SubscriberStore(table, secret, deps.clock) };
}
