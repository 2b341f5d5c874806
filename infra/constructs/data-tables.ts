import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

/**
 * Subscribers (partition key `id`, an HMAC of the address) and the send ledger (`pk`, `sk`), as in
 * docs/pipeline.md. On demand, point-in-time recovery, deletion protection, retained when the stack goes.
 */
export class DataTables extends Construct {
  readonly subscribers: dynamodb.Table;
  readonly ledger: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const common = {
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    } satisfies Partial<dynamodb.TableProps>;
    this.subscribers = new dynamodb.Table(this, 'Subscribers', {
      ...common,
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      // Rate and mailbox counters (ids with `#`) expire by it, and so do pending subscribers, when their confirmation
      // link does; a confirmed, unsubscribed or suppressed subscriber has no such attribute.
      timeToLiveAttribute: 'expiresAt',
    });
    this.ledger = new dynamodb.Table(this, 'Ledger', {
      ...common,
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      // What names a reader (send records, shard records, leases) and the counted-event marks expire by it, once
      // a dispatch is long over (src/pipeline/dispatch/ledger-keys.ts LEDGER_RETENTION_DAYS); a dispatch's state,
      // stop, pause and figures have no such attribute and stay as the desk's history.
      timeToLiveAttribute: 'expiresAt',
    });
  }
}
