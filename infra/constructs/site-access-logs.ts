import { ArnFormat, Aws, Stack, Validations } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledgeCustomResourceProvider } from './custom-resource-provider.ts';
import { EDGE_REGION } from './edge-stack.ts';

/**
 * The fields of CloudFront's standard log that are written: every field of the legacy log except the three that carry
 * what a reader's link or browser holds. `cs-uri-query` carries the confirm and unsubscribe tokens (RFC 8058 one-click
 * posts go to the link itself, so a token cannot leave the URL); `cs(Referer)` carries them again when a preference page
 * submits its own form; `cs(Cookie)` is never needed. Paths (`cs-uri-stem`) stay: partner feed paths are secret, but the
 * desk already holds them, and the pickup report reads them.
 */
export const ACCESS_LOG_FIELDS = [
  'date',
  'time',
  'x-edge-location',
  'sc-bytes',
  'c-ip',
  'cs-method',
  'cs(Host)',
  'cs-uri-stem',
  'sc-status',
  'cs(User-Agent)',
  'x-edge-result-type',
  'x-edge-request-id',
  'x-host-header',
  'cs-protocol',
  'cs-bytes',
  'time-taken',
  'x-forwarded-for',
  'ssl-protocol',
  'ssl-cipher',
  'x-edge-response-result-type',
  'cs-protocol-version',
  'fle-status',
  'fle-encrypted-fields',
  'c-port',
  'time-to-first-byte',
  'x-edge-detailed-result-type',
  'sc-content-type',
  'sc-content-len',
  'sc-range-start',
  'sc-range-end',
] as const;

/** Fields that must never be delivered: test/integration/infra.test.ts holds ACCESS_LOG_FIELDS to it. */
export const WITHHELD_ACCESS_LOG_FIELDS = ['cs-uri-query', 'cs(Referer)', 'cs(Cookie)'] as const;

/** Where, under the access-log bucket, the distribution's logs go. The bucket policy (data stack) names it too. */
export const ACCESS_LOG_PREFIX = 'cloudfront';

export interface SiteAccessLogsProps {
  readonly distribution: cloudfront.IDistribution;
  /** The access-log bucket. Its policy (ContentBuckets) lets CloudWatch Logs' delivery service write under the prefix. */
  readonly bucket: s3.IBucket;
  /** The fields written. Default: ACCESS_LOG_FIELDS (no query string, referrer or cookie). */
  readonly recordFields?: readonly string[];
  /** Default: 'json' (one object per request, read by the pickup report and by Athena alike). */
  readonly outputFormat?: 'json' | 'w3c' | 'plain' | 'parquet';
}

/**
 * CloudFront standard logging (v2) for the site: the legacy log cannot leave out the query string, and the query
 * string holds readers' tokens. A CloudFront delivery source exists only in us-east-1, while this stack may live in any
 * region, so the source, the destination (the access-log bucket, in this stack's region) and the delivery are made
 * by deploy-time calls to CloudWatch Logs in us-east-1, named after this stack and its region so that two deployments
 * never share them. Removing the stack deletes the delivery first (it depends on the other two), then both ends.
 */
export class SiteAccessLogs extends Construct {
  constructor(scope: Construct, id: string, props: SiteAccessLogsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const name = (what: string) => `${stack.stackName}-${Aws.REGION}-${what}`;
    const sourceName = name('site-source');
    const destinationName = name('site-logs');
    const logsArn = (resource: string, resourceName: string) =>
      stack.formatArn({
        service: 'logs',
        region: EDGE_REGION,
        resource,
        resourceName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    const policy = cr.AwsCustomResourcePolicy.fromStatements([
      new iam.PolicyStatement({
        actions: [
          'logs:PutDeliverySource',
          'logs:GetDeliverySource',
          'logs:DeleteDeliverySource',
          'logs:PutDeliveryDestination',
          'logs:GetDeliveryDestination',
          'logs:DeleteDeliveryDestination',
          'logs:CreateDelivery',
          'logs:GetDelivery',
          'logs:UpdateDeliveryConfiguration',
          'logs:DeleteDelivery',
        ],
        resources: [
          logsArn('delivery-source', sourceName),
          logsArn('delivery-destination', destinationName),
          logsArn('delivery', '*'),
        ],
      }),
      // CloudFront's own permission for a delivery source naming this distribution.
      new iam.PolicyStatement({
        actions: ['cloudfront:AllowVendedLogDeliveryForResource'],
        resources: [props.distribution.distributionArn],
      }),
      // CloudWatch Logs reads the bucket policy to see that it already lets the delivery service write; it never changes it.
      new iam.PolicyStatement({ actions: ['s3:GetBucketPolicy'], resources: [props.bucket.bucketArn] }),
    ]);
    // Without a physical id, an update or delete keeps the one the create returned.
    const call = (
      action: string,
      parameters: Record<string, unknown>,
      physicalResourceId?: cr.PhysicalResourceId,
    ): cr.AwsSdkCall => ({
      service: 'CloudWatchLogs',
      action,
      parameters,
      region: EDGE_REGION,
      ...(physicalResourceId && { physicalResourceId }),
    });
    const resource = (
      resourceId: string,
      calls: Pick<cr.AwsCustomResourceProps, 'onCreate' | 'onUpdate' | 'onDelete'>,
    ) => new cr.AwsCustomResource(this, resourceId, { ...calls, policy, installLatestAwsSdk: false });

    const sourceCall = call(
      'putDeliverySource',
      { name: sourceName, resourceArn: props.distribution.distributionArn, logType: 'ACCESS_LOGS' },
      cr.PhysicalResourceId.of(sourceName),
    );
    const source = resource('Source', {
      onCreate: sourceCall,
      onUpdate: sourceCall,
      onDelete: call('deleteDeliverySource', { name: sourceName }),
    });

    const destinationCall = call(
      'putDeliveryDestination',
      {
        name: destinationName,
        outputFormat: props.outputFormat ?? 'json',
        deliveryDestinationConfiguration: { destinationResourceArn: `${props.bucket.bucketArn}/${ACCESS_LOG_PREFIX}` },
      },
      cr.PhysicalResourceId.of(destinationName),
    );
    const destination = resource('Destination', {
      onCreate: destinationCall,
      onUpdate: destinationCall,
      onDelete: call('deleteDeliveryDestination', { name: destinationName }),
    });

    const configuration = {
      recordFields: [...(props.recordFields ?? ACCESS_LOG_FIELDS)],
      s3DeliveryConfiguration: {
        suffixPath: '{DistributionId}/{yyyy}/{MM}/{dd}/{HH}',
        enableHiveCompatiblePath: false,
      },
    };
    const delivery = resource('Delivery', {
      onCreate: call(
        'createDelivery',
        {
          deliverySourceName: sourceName,
          deliveryDestinationArn: logsArn('delivery-destination', destinationName),
          ...configuration,
        },
        cr.PhysicalResourceId.fromResponse('delivery.id'),
      ),
      onUpdate: call('updateDeliveryConfiguration', { id: new cr.PhysicalResourceIdReference(), ...configuration }),
      onDelete: call('deleteDelivery', { id: new cr.PhysicalResourceIdReference() }),
    });
    delivery.node.addDependency(source, destination);

    acknowledgeCustomResourceProvider(this, "sets up the distribution's standard logs in us-east-1");
    for (const made of [source, destination, delivery]) {
      Validations.of(made).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:us-east-1:<AWS::AccountId>:delivery:*]',
        reason:
          'A delivery is named by an id CloudWatch Logs chooses when it is created, so no narrower ARN exists beforehand.',
      });
    }
  }
}
