import type { Config } from '../../src/config.ts';

/** A desk's runtime as a local run's desk.env would give it: names only, every call goes to the fakes a test wires. */
export function testDeskRuntime(publication: Config) {
  return {
    publication,
    editorialsBucket: 'editorials',
    publicBucket: 'site',
    subscribersTable: 'subscribers',
    ledgerTable: 'ledger',
    dispatchQueueUrl: 'http://127.0.0.1:1/queue/dispatch',
    configurationSet: 'broadsheet-events',
    endpoints: {},
    where: 'the test desk',
  };
}
