import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';

/** A bucket of the data stack imported by export name; `arnExport` is how its ARN reads in IAM findings. */
export interface ImportedBucket {
  readonly bucket: s3.IBucket;
  readonly arnExport: string;
}

/** Exactly the S3 calls one function makes, each on the key prefixes it needs (no `s3:*`, no action wildcards). */
export interface ObjectAccess {
  /** GetObject on these key patterns, e.g. `approved/*`. */
  readonly get?: string[];
  /** PutObject (conditional writes included) on these key patterns. */
  readonly put?: string[];
  readonly delete?: string[];
  /** ListBucket. A GetObject of a missing key also needs it to answer 404 rather than 403. */
  readonly list?: boolean;
}

export function grantObjects(grantee: iam.IGrantable, imported: ImportedBucket, access: ObjectAccess): void {
  const { bucket } = imported;
  const add = (action: string, patterns: string[] | undefined) => {
    if (!patterns?.length) return;
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: [action], resources: patterns.map((p) => bucket.arnForObjects(p)) }),
    );
    // A single key (no wildcard) needs no acknowledgement.
    for (const pattern of patterns.filter((p) => p.endsWith('*'))) {
      Validations.of(grantee.grantPrincipal as unknown as IConstruct).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${imported.arnExport}/${pattern}]`,
        reason: `Objects under the ${pattern.replace(/\*$/, '')} prefix only (layout in docs/pipeline.md); an S3 object ARN needs a wildcard to name a prefix.`,
      });
    }
  };
  add('s3:GetObject', access.get);
  add('s3:PutObject', access.put);
  add('s3:DeleteObject', access.delete);
  if (access.list) {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
    );
  }
}

/** The item calls of the KeyValueTable port that one function makes. */
export type ItemAction =
  | 'GetItem'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'Query'
  | 'Scan'
  | 'BatchGetItem'
  | 'BatchWriteItem';

/**
 * The subscribers-table calls of each subscriber route, from what its flow asks of SubscriberStore
 * (src/subscribers/store.ts) and of the window counter (src/subscribers/window-counter.ts): every change reads the
 * item (GetItem) and writes it conditionally on the version it read (UpdateItem). Only subscribe creates items
 * (PutItem, as putIfAbsent: a new subscriber, a client's rate-limit window). Unsubscribe serves the preference
 * page, whose erasure deletes the subscriber (DeleteItem). Confirm only changes a subscriber that exists.
 */
export const SUBSCRIBER_TABLE_CALLS = {
  subscribe: ['GetItem', 'PutItem', 'UpdateItem'],
  confirm: ['GetItem', 'UpdateItem'],
  unsubscribe: ['GetItem', 'UpdateItem', 'DeleteItem'],
} as const satisfies Record<string, readonly ItemAction[]>;

export function grantItems(grantee: iam.IGrantable, table: dynamodb.ITable, actions: readonly ItemAction[]): void {
  table.grant(grantee, ...actions.map((a) => `dynamodb:${a}`));
}

/** ses:SendEmail only from the publication's identity and only with its configuration set. */
export interface SendingIdentity {
  readonly identityArn: string;
  readonly configurationSetArn: string;
}

export function grantSend(grantee: iam.IGrantable, sending: SendingIdentity): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['ses:SendEmail'],
      resources: [sending.identityArn, sending.configurationSetArn],
    }),
  );
}
