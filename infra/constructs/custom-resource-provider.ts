import { Stack, Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** The singleton function aws-cdk-lib makes for every AwsCustomResource of a stack. */
const AWS_CUSTOM_RESOURCE_PROVIDER = 'AWS679f53fac002430cb0da5b7982bd2287';

/**
 * The cdk-nag findings on aws-cdk-lib's own AwsCustomResource handler, acknowledged once it exists in the stack of
 * `scope` (call after creating an AwsCustomResource there). `purpose` says what the stack uses it for.
 */
export function acknowledgeCustomResourceProvider(scope: Construct, purpose: string): void {
  const provider = Stack.of(scope).node.tryFindChild(AWS_CUSTOM_RESOURCE_PROVIDER);
  if (!provider) return;
  Validations.of(provider).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: `aws-cdk-lib's deploy-time handler that ${purpose}; the managed policy lets it write only its own logs.`,
  });
  Validations.of(provider).acknowledge({
    id: 'AwsSolutions-L1',
    reason:
      "aws-cdk-lib's own deploy-time handler; its runtime is chosen and kept current by aws-cdk-lib, not by this stack.",
  });
}
