import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { EDGE_REGION } from './edge-stack.ts';
import { ACCESS_LOG_PREFIX } from './site-access-logs.ts';

export interface ContentBucketsProps {
  /** How long S3 server access logs and CloudFront logs are kept. Default: 90 days. */
  readonly accessLogRetention?: Duration;
}

/**
 * The desk's editorials bucket (versioned: an original is never lost, even when overwritten or deleted), the public
 * bucket CloudFront serves, and the bucket both of them (and the distribution) log to. All private, TLS only,
 * encrypted, retained when the stack goes.
 */
export class ContentBuckets extends Construct {
  readonly editorials: s3.Bucket;
  readonly site: s3.Bucket;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: ContentBucketsProps = {}) {
    super(scope, id);
    const common = {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    } satisfies s3.BucketProps;

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      ...common,
      enforceSSL: true,
      // Log objects belong to the bucket owner. Not BUCKET_OWNER_ENFORCED: a bucket that once received CloudFront's
      // legacy logs holds an ACL grant to CloudFront's log account, and S3 refuses to disable ACLs until it is removed.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [
        {
          expiration: props.accessLogRetention ?? Duration.days(90),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    // CloudFront's standard logs (v2) arrive through CloudWatch Logs' delivery service, from a delivery source that
    // exists only in us-east-1 (SiteAccessLogs, in the pipeline stack), under one prefix of this account.
    this.accessLogs.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudFrontStandardLogs',
        principals: [new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.accessLogs.arnForObjects(`${ACCESS_LOG_PREFIX}/*`)],
        conditions: {
          StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:logs:${EDGE_REGION}:${Aws.ACCOUNT_ID}:delivery-source:*` },
        },
      }),
    );
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the access-log bucket itself; logging it into itself would log its own log deliveries without end.',
    });

    this.editorials = new s3.Bucket(this, 'Editorials', {
      ...common,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'editorials-bucket/',
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(7) }],
    });

    // The site bucket's policy (TLS only, read by the distribution alone) is written by SiteDistribution in the
    // pipeline stack: a bucket has exactly one policy, and only that stack knows the distribution's ARN.
    this.site = new s3.Bucket(this, 'Site', {
      ...common,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'site-bucket/',
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });
    Validations.of(this.site).acknowledge({
      id: 'AwsSolutions-S10',
      reason:
        'TLS is enforced: the single bucket policy of this bucket lives in the pipeline stack (SiteDistribution), next to the ' +
        'distribution whose ARN it names, and denies every request without aws:SecureTransport (asserted in test/integration/infra.test.ts).',
    });
  }
}
