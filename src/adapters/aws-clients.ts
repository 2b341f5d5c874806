import type { S3ClientConfig } from '@aws-sdk/client-s3';
import type { SESv2ClientConfig } from '@aws-sdk/client-sesv2';
import type { SQSClientConfig } from '@aws-sdk/client-sqs';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

/**
 * Client configuration for each service, shared by Lambda and local runs. Only types are imported here, so a
 * function bundle pulls in just the SDK clients its own code constructs.
 *
 * In Lambda no endpoint is given: region and credentials come from the environment as usual. Locally an emulator
 * endpoint is given, with the dummy credentials that emulator accepts.
 */

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
  if (!endpoint) return {};
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
  return baseConfig(endpoint);
}

export function sqsClientConfig(endpoint?: LocalEndpoint): SQSClientConfig {
  return baseConfig(endpoint);
}

export function dynamoClientConfig(endpoint?: LocalEndpoint): DynamoDBClientConfig {
  return baseConfig(endpoint);
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
