import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RUNTIME_ENV } from '../../src/app/runtime-config.ts';
import { PARTNER_REGISTRY_KEY } from '../../src/partners/registry.ts';
import { BroadsheetFunction, type FunctionRuntime } from './broadsheet-function.ts';
import { ACCESS_LOG_PREFIX } from './site-access-logs.ts';
import { grantItems, grantObjects, type ImportedBucket } from './grants.ts';

/** The desk's inbox: objects under this prefix are editorials (src/pipeline/publish/keys.ts). */
export const APPROVED_PREFIX = 'approved/';

export interface PublishStageProps {
  readonly runtime: FunctionRuntime;
  readonly editorials: ImportedBucket;
  readonly site: ImportedBucket;
  readonly subscribers: dynamodb.ITable;
  readonly ledger: dynamodb.ITable;
  readonly dispatchQueue: sqs.IQueue;
  /** Where each partner change is queued for the partner's webhook. Default: none (no webhook is sent). */
  readonly webhookQueue?: sqs.IQueue;
  /** Where S3 events go after Lambda's own retries failed, so no approved editorial is silently skipped. */
  readonly failedEvents: sqs.IQueue;
  /** How often the publish function's scheduled run goes: it releases editorials whose embargo has passed and plans
   * the digests whose period has ended (it treats any event without S3 records as that run). Default: off. */
  readonly embargoReleaseSchedule?: events.Schedule | undefined;
  /** The key partner feed paths are derived from, read like the token key (by ARN, through the secrets extension).
   * Default: none (the development secret: partner paths are then not secret). */
  readonly partnerSecret?: secretsmanager.ISecret;
  /** Default: 1536 MB (MJML rendering is CPU bound, and Lambda's CPU share grows with memory). */
  readonly memorySize?: number;
  /** Default: 5 minutes (planning a dispatch reads every subscriber). */
  readonly timeout?: Duration;
}

/**
 * S3 `ObjectCreated` / `ObjectRemoved` under approved/ → publish: pages, ninjs and feeds into the site bucket, the
 * email artefacts and the dispatch plan (shards onto the dispatch queue). It may write only the keys it owns: it
 * can read the desk's approved/ objects but never change them.
 */
export class PublishStage extends Construct {
  readonly publish: BroadsheetFunction;
  readonly embargoRule: events.Rule | undefined;

  constructor(scope: Construct, id: string, props: PublishStageProps) {
    super(scope, id);
    this.publish = new BroadsheetFunction(this, 'Publisher', {
      handler: 'publish',
      description: 'Broadsheet: approved editorial → pages, feeds, ninjs, email artefacts, dispatch plan',
      runtime: props.runtime,
      memorySize: props.memorySize ?? 1536,
      timeout: props.timeout ?? Duration.minutes(5),
      // It plans sends but signs no link: the dispatch worker does.
      readsTokenKeys: false,
    });
    const fn = this.publish.function;
    fn.configureAsyncInvoke({ retryAttempts: 2, onFailure: new destinations.SqsDestination(props.failedEvents) });

    grantPublishing(fn, props);
    if (props.webhookQueue) {
      props.webhookQueue.grantSendMessages(fn);
      fn.addEnvironment(RUNTIME_ENV.webhookQueueUrl, props.webhookQueue.queueUrl);
    }
    if (props.partnerSecret) {
      this.publish.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['secretsmanager:GetSecretValue'],
          resources: [props.partnerSecret.secretArn],
        }),
      );
      fn.addEnvironment(RUNTIME_ENV.partnerSecretArn, props.partnerSecret.secretArn);
    }

    const filter: s3.NotificationKeyFilter = { prefix: APPROVED_PREFIX };
    props.editorials.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(fn), filter);
    props.editorials.bucket.addEventNotification(s3.EventType.OBJECT_REMOVED, new s3n.LambdaDestination(fn), filter);

    // The next scheduled run catches up a failed one, so the schedule does not retry.
    this.embargoRule =
      props.embargoReleaseSchedule &&
      new events.Rule(this, 'EmbargoRelease', {
        description:
          'Broadsheet: release editorials whose embargo has passed, and plan the digests whose period has ended',
        schedule: props.embargoReleaseSchedule,
        targets: [new targets.LambdaFunction(fn, { retryAttempts: 0 })],
      });
  }

  /**
   * Lets the publish function invalidate what a correction or withdrawal changed in the distribution in front of the
   * site bucket, and that distribution alone. Called once both exist (the distribution is built after this stage).
   */
  invalidates(distribution: cloudfront.IDistribution): void {
    const fn = this.publish.function;
    fn.addEnvironment(RUNTIME_ENV.distributionId, distribution.distributionId);
    const arn = Stack.of(this).formatArn({
      service: 'cloudfront',
      region: '',
      resource: 'distribution',
      resourceName: distribution.distributionId,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    this.publish.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['cloudfront:CreateInvalidation'], resources: [arn] }),
    );
  }

  /**
   * Lets the scheduled run read the distribution's standard logs (under `cloudfront/`, read only while a partner kill
   * is between an hour and a day old) to publish the unseen-kill metric (src/pipeline/pickup/kill-watch.ts).
   */
  readsAccessLogs(accessLogs: ImportedBucket): void {
    const { bucket } = accessLogs;
    this.publish.function.addEnvironment(RUNTIME_ENV.accessLogBucket, bucket.bucketName);
    grantObjects(this.publish.role, accessLogs, { get: [`${ACCESS_LOG_PREFIX}/*`] });
    // Listing only the distribution's folders: a missing hour then reads as empty, nothing else of the bucket.
    this.publish.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${ACCESS_LOG_PREFIX}/*`] } },
      }),
    );
  }
}

/** Every key of the public site the publish stage writes (src/render/scopes.ts, src/catalogue/site-maps.ts). */
export const PUBLIC_KEYS = [
  'index.html',
  'archive/*',
  'editorials/*',
  'feeds/*',
  'topics/*',
  'sitemap.xml',
  'sitemaps/*',
  'news-sitemap.xml',
  'robots.txt',
];

/** The partners' feeds (src/partners/paths.ts): in the site bucket, never linked from a public key. */
export const PARTNER_KEYS = ['partners/*'];

/** The editorials bucket's keys publishing writes and reads back. */
const OWN_KEYS = [
  'sources/*',
  'index/*',
  'rendered/*',
  'catalogue/*',
  'embargoed/*',
  'scheduled-sends/*',
  'public-log/*',
  'digests/*',
  'digest-items/*',
  'pickup/*',
];

/** What publishing reads and writes: never the desk's approved/ objects (read only), only the keys it owns. */
function grantPublishing(fn: lambda.IFunction, props: PublishStageProps): void {
  grantObjects(fn, props.editorials, {
    // rendered/: the planner copies each dispatch's template into the ledger for the workers.
    // catalogue/: the heads, archive pages and memberships of the feeds; embargoed/: editorials waiting for release.
    // scheduled-sends/: emails waiting for their send time. public-log/: what became public when, for the digests;
    // digests/: the periods whose digest was planned.
    // The partner registry is the desk's: read at every invocation, never written here.
    get: [...OWN_KEYS, 'approved/*', PARTNER_REGISTRY_KEY],
    put: ['rejected/*', ...OWN_KEYS],
    delete: ['rejected/*', 'embargoed/*', 'scheduled-sends/*'],
    list: true,
  });
  grantObjects(fn, props.site, { put: [...PUBLIC_KEYS, ...PARTNER_KEYS], list: true });
  grantItems(fn, props.subscribers, ['Scan']);
  grantItems(fn, props.ledger, ['GetItem', 'PutItem', 'UpdateItem', 'Query']);
  props.dispatchQueue.grantSendMessages(fn);
}
