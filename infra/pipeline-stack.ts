import { CfnOutput, Duration, Fn, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { DataStack } from './data-stack.ts';
import type { FunctionRuntime } from './constructs/broadsheet-function.ts';
import { DispatchStage } from './constructs/dispatch-stage.ts';
import { PartnerWebhookStage } from './constructs/partner-webhook-stage.ts';
import { FeedbackStage } from './constructs/feedback-stage.ts';
import type { ImportedBucket, SendingIdentity } from './constructs/grants.ts';
import { Operations } from './constructs/operations.ts';
import { PublishStage } from './constructs/publish-stage.ts';
import { EdgeReferences } from './constructs/edge-references.ts';
import { edgeParameterNames } from './constructs/edge-stack.ts';
import { SiteDistribution } from './constructs/site-distribution.ts';
import { SubscriberStage } from './constructs/subscriber-stage.ts';
import type { BroadsheetSettings } from './settings.ts';
import { sesMetricName } from './constructs/mail-identity.ts';
import { runtimeEnvironment } from '../src/app/runtime-config.ts';
import { DESK_OUTPUTS } from '../src/app/desk-runtime.ts';
import { DISTRIBUTION_ID_OUTPUT } from '../src/app/pickup-desk.ts';

export interface PipelineStackProps extends StackProps {
  readonly data: DataStack;
  readonly settings: BroadsheetSettings;
  /** The prefix of the stack names, which also names the edge stack's parameters. Default `Broadsheet`. */
  readonly stackPrefix?: string;
}

/**
 * The code and the wiring: the functions of every pipeline stage, the dispatch queue, the distribution and the
 * alarms. Holds no state worth keeping (queues drain, logs expire), so it can be replaced freely.
 */
export class PipelineStack extends Stack {
  readonly publish: PublishStage;
  readonly dispatch: DispatchStage;
  readonly webhooks: PartnerWebhookStage;
  readonly subscribers: SubscriberStage;
  readonly feedback: FeedbackStage;
  readonly site: SiteDistribution;
  readonly operations: Operations;
  readonly failedEvents: sqs.Queue;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { data, settings } = props;
    // Imported by export name, so that the S3 notification and the site bucket policy, which name this stack's
    // function and distribution, are created here rather than making the data stack depend on this one.
    const importBucket = (key: string): ImportedBucket => {
      const value = (suffix: string) => Fn.importValue(data.exportName(`${key}${suffix}`));
      return {
        bucket: s3.Bucket.fromBucketAttributes(this, key, {
          bucketArn: value('Arn'),
          bucketName: value('Name'),
          bucketRegionalDomainName: value('RegionalDomainName'),
        }),
        arnExport: data.exportName(`${key}Arn`),
      };
    };
    const editorials = importBucket('EditorialsBucket');
    const siteBucket = importBucket('SiteBucket');
    const accessLogs = importBucket('AccessLogsBucket');
    const { subscribers, ledger } = data.tables;
    const sending: SendingIdentity = {
      identityArn: data.mail.identity.emailIdentityArn,
      configurationSetArn: data.mail.configurationSetArn,
    };

    this.failedEvents = new sqs.Queue(this, 'FailedEvents', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failedEvents).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter destination: of asynchronous invocations (publish) and of the SES feedback rule.',
    });

    // Named as src/app/runtime-config.ts reads them: one list of names for the stack and the functions.
    const environment = runtimeEnvironment({
      editorialsBucket: editorials.bucket.bucketName,
      publicBucket: siteBucket.bucket.bucketName,
      subscribersTable: subscribers.tableName,
      ledgerTable: ledger.tableName,
      sendRatePerSecond: settings.sendRate,
      workerConcurrency: settings.workerConcurrency,
      shardSize: settings.shardSize,
      configurationSet: data.mail.configurationSet.configurationSetName,
      softBounceThreshold: settings.softBounceThreshold,
      subscribeRatePerMinute: settings.subscribeRateLimit,
      publication: JSON.stringify(settings.publication),
    });
    const tokenKeys = settings.tokenKeysSecretArn
      ? secretsmanager.Secret.fromSecretCompleteArn(this, 'TokenKeys', settings.tokenKeysSecretArn)
      : undefined;
    const base = {
      tokenSecret: data.tokenSecret,
      ...(tokenKeys && { tokenKeys }),
      logRetention: settings.logRetentionDays,
    };

    this.dispatch = new DispatchStage(this, 'Dispatch', {
      runtime: { ...base, environment },
      ledger,
      subscribers,
      sending,
      sendRate: settings.sendRate,
      workerConcurrency: settings.workerConcurrency,
      shardSize: settings.shardSize,
    });
    const runtime: FunctionRuntime = {
      ...base,
      environment: { ...environment, ...runtimeEnvironment({ dispatchQueueUrl: this.dispatch.queue.queueUrl }) },
    };

    this.webhooks = new PartnerWebhookStage(this, 'PartnerWebhooks', {
      runtime,
      webhookSecret: data.webhookSecret,
      ledger,
    });

    this.publish = new PublishStage(this, 'Publish', {
      runtime,
      editorials,
      site: siteBucket,
      subscribers,
      ledger,
      dispatchQueue: this.dispatch.queue,
      webhookQueue: this.webhooks.queue,
      failedEvents: this.failedEvents,
      partnerSecret: data.partnerSecret,
      embargoReleaseSchedule: scheduledRunMinutes(settings)
        ? events.Schedule.rate(Duration.minutes(scheduledRunMinutes(settings)!))
        : undefined,
    });
    this.subscribers = new SubscriberStage(this, 'Subscribers', { runtime, subscribers, sending });
    this.feedback = new FeedbackStage(this, 'Feedback', {
      runtime,
      subscribers,
      ledger,
      configurationSetName: data.mail.configurationSet.configurationSetName,
      failedEvents: this.failedEvents,
      tracking: settings.publication.sending.tracking,
    });
    // The edge stack's function version and web ACL live in us-east-1; read at deploy time, wherever this stack is.
    const edgeNames = edgeParameterNames(props.stackPrefix ?? 'Broadsheet');
    const edge = new EdgeReferences(this, 'Edge');
    this.site = new SiteDistribution(this, 'Site', {
      site: siteBucket.bucket,
      accessLogs: accessLogs.bucket,
      routes: this.subscribers.urls,
      domainName: settings.domain,
      certificateArn: settings.certificateArn,
      webAclArn: settings.webAclArn ?? edge.value(edgeNames.webAcl),
      bodyHashVersionArn: edge.value(edgeNames.bodyHashVersion),
    });
    // After both exist: the publish function names the distribution, which names nothing of the function.
    this.publish.invalidates(this.site.distribution);
    this.publish.readsAccessLogs(accessLogs);

    this.operations = new Operations(this, 'Operations', {
      functions: {
        Publish: this.publish.publish.function,
        DispatchWorker: this.dispatch.worker.function,
        PartnerWebhook: this.webhooks.worker.function,
        Subscribe: this.subscribers.functions.subscribe.function,
        Confirm: this.subscribers.functions.confirm.function,
        Unsubscribe: this.subscribers.functions.unsubscribe.function,
        ConfirmationSender: this.subscribers.confirmationSender.function,
        SesEvents: this.feedback.sesEvents.function,
      },
      deadLetterQueues: {
        DispatchDeadLetters: this.dispatch.deadLetterQueue,
        PartnerWebhookDeadLetters: this.webhooks.deadLetterQueue,
        ConfirmationDeadLetters: this.subscribers.confirmationDeadLetters,
        FeedbackDeadLetters: this.feedback.deadLetterQueue,
        FailedEvents: this.failedEvents,
      },
      dispatchQueue: this.dispatch.queue,
      alarmEmail: settings.alarmEmail,
      dispatchMetrics: {
        configurationSetName: data.mail.configurationSet.configurationSetName,
        metricNames: data.mail.events.map(sesMetricName),
      },
      sesEventsLogGroup: this.feedback.sesEvents.logGroup,
      unseenKills: this.publish.publish.function,
    });

    const notificationsHandler = this.node.tryFindChild('BucketNotificationsHandler050a0587b7544547bf325f094a3db834');
    if (notificationsHandler) {
      Validations.of(notificationsHandler).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          "aws-cdk-lib's own deploy-time handler that writes the editorials bucket's notification configuration; the managed " +
          'policy lets it write only its CloudWatch logs, and its bucket permissions are scoped to that bucket.',
      });
    }

    new CfnOutput(this, DESK_OUTPUTS.pipeline.dispatchQueueUrl, {
      description: 'The dispatch queue the desk commands queue shards on',
      value: this.dispatch.queue.queueUrl,
    });
    new CfnOutput(this, 'WebhookQueueUrl', {
      description:
        'WEBHOOK_QUEUE_URL for broadsheet partners remove --stack: a removed partner is sent its tombstones through it',
      value: this.webhooks.queue.queueUrl,
    });
    new CfnOutput(this, DISTRIBUTION_ID_OUTPUT, {
      description: 'The distribution whose standard logs broadsheet partners report reads (under cloudfront/<id>/)',
      value: this.site.distribution.distributionId,
    });
    new CfnOutput(this, 'DistributionDomainName', {
      description: settings.certificateArn
        ? `Point ${settings.domain} (CNAME or alias) at this name`
        : `The site is served here; with context certificateArn it also answers on ${settings.domain}`,
      value: this.site.distribution.distributionDomainName,
    });
  }
}

/**
 * How often the publish function's scheduled run goes: the embargo release's rate, and at least hourly while digests
 * are offered, since the same run plans each digest once its period ends (a digest goes out at most that late).
 */
function scheduledRunMinutes(
  settings: Pick<BroadsheetSettings, 'embargoReleaseMinutes' | 'publication'>,
): number | undefined {
  const digests = settings.publication.subscription.digests.cadences.some((c) => c !== 'each');
  if (settings.embargoReleaseMinutes > 0)
    return digests ? Math.min(settings.embargoReleaseMinutes, 60) : settings.embargoReleaseMinutes;
  return digests ? 60 : undefined;
}
