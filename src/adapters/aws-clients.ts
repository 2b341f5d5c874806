import type { S3ClientConfig } from '@aws-sdk/client-s3';
import type { SESv2ClientConfig } from '@aws-sdk/client-sesv2';
import type { SQSClientConfig } from '@aws-sdk/client-sqs';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type { CloudFrontClientConfig } from '@aws-sdk/client-cloudfront';
import type { CloudFormationClientConfig } from '@aws-sdk/client-cloudformation';

/**
 * Client configuration for each service, shared by Lambda and local runs. Only types are imported here, so a
 * function bundle pulls in just the SDK clients its own code constructs.
 *
 * In Lambda no endpoint is given: region and credentials come from the environment as usual. Locally an emulator
 * endpoint is given, with the dummy credentials that emulator accepts.
 *
 * Retries, stated once: the SDK keeps its standard retries (3 attempts, with backoff) for every client but SES.
 * What it retries is below the domain: a connection the other end closed, a throttle, a 5xx, on calls that are
 * idempotent or conditional (a conditional write that succeeded but lost its answer is refused when tried again, as if
 * another writer had won, and its callers read again after a refusal). retry() policies (src/retry.ts) sit above it and
 * decide on domain outcomes: lost races, unprocessed batch items, a busy hub or partner. SES is the exception, with
 * one attempt: a send whose answer timed out may have been delivered, so only the dispatch worker's own policy,
 * which records every send first, may try it again; the SDK must not do it behind its back.
 */

/** The mailer's one attempt per call: see above. */
export const SES_ATTEMPTS = { maxAttempts: 1 } as const;

export type AwsService = 's3' | 'sesv2' | 'sqs' | 'dynamodb';

export interface LocalEndpoint {
  url: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export type EndpointMap = Partial<Record<AwsService, LocalEndpoint>>;

export const LOCAL_REGION = 'us-east-1';

interface BaseConfig {
  region?: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

function baseConfig(endpoint: LocalEndpoint | undefined): BaseConfig {
  if (!endpoint) return {};
  return {
    region: LOCAL_REGION,
    endpoint: endpoint.url,
    credentials: { accessKeyId: endpoint.accessKeyId, secretAccessKey: endpoint.secretAccessKey },
  };
}

export function s3ClientConfig(endpoint?: LocalEndpoint): S3ClientConfig {
  if (!endpoint) return baseConfig(endpoint);
  return {
    ...baseConfig(endpoint),
    // An emulator at an IP address cannot serve virtual-host-style bucket names.
    forcePathStyle: true,
    // Otherwise the SDK streams uploads with aws-chunked trailing checksums, which s3rver stores verbatim.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}

export function sesClientConfig(endpoint?: LocalEndpoint): SESv2ClientConfig {
  return { ...baseConfig(endpoint), ...SES_ATTEMPTS };
}

export function sqsClientConfig(endpoint?: LocalEndpoint): SQSClientConfig {
  return baseConfig(endpoint);
}

export function dynamoClientConfig(endpoint?: LocalEndpoint): DynamoDBClientConfig {
  return baseConfig(endpoint);
}

/** CloudFront's API lives in us-east-1 whatever the stack's region. */
export function cloudFrontClientConfig(): CloudFrontClientConfig {
  return { region: 'us-east-1' };
}

/** For reading a stack's outputs: region and credentials from the environment. */
export function cloudFormationClientConfig(): CloudFormationClientConfig {
  return {};
}

export interface AwsClientConfigs {
  s3: S3ClientConfig;
  sesv2: SESv2ClientConfig;
  sqs: SQSClientConfig;
  dynamodb: DynamoDBClientConfig;
}

/** Configurations for every service from one endpoint map (empty in Lambda). */
export function awsClientConfigs(endpoints: EndpointMap = {}): AwsClientConfigs {
  return {
    s3: s3ClientConfig(endpoints.s3),
    sesv2: sesClientConfig(endpoints.sesv2),
    sqs: sqsClientConfig(endpoints.sqs),
    dynamodb: dynamoClientConfig(endpoints.dynamodb),
  };
}
