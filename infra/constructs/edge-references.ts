import { Stack, Validations } from 'aws-cdk-lib';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { EDGE_REGION } from './edge-stack.ts';

/** The singleton function aws-cdk-lib makes for every AwsCustomResource of a stack. */
const AWS_CUSTOM_RESOURCE_PROVIDER = 'AWS679f53fac002430cb0da5b7982bd2287';

/**
 * Reads the edge stack's parameters from us-east-1 at deploy time, for a pipeline stack in any region: a stack
 * deployed wherever the credentials point has no region at synthesis, so CloudFormation exports (one region only)
 * and CDK's cross-region references (both regions known) cannot carry them.
 */
export class EdgeReferences extends Construct {
  private count = 0;

  /** The value of the SSM parameter `name` in us-east-1, read again whenever the name changes. */
  value(name: string): string {
    const stack = Stack.of(this);
    const call: cr.AwsSdkCall = {
      service: 'SSM',
      action: 'getParameter',
      parameters: { Name: name },
      region: EDGE_REGION,
      physicalResourceId: cr.PhysicalResourceId.of(name),
    };
    const reader = new cr.AwsCustomResource(this, `Reader${this.count++}`, {
      onCreate: call,
      onUpdate: call,
      installLatestAwsSdk: false,
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({
        resources: [
          stack.formatArn({ service: 'ssm', region: EDGE_REGION, resource: 'parameter', resourceName: name.slice(1) }),
        ],
      }),
    });
    const provider = stack.node.tryFindChild(AWS_CUSTOM_RESOURCE_PROVIDER);
    if (provider) {
      Validations.of(provider).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          "aws-cdk-lib's deploy-time handler that reads the edge stack's parameters; the managed policy lets it write only its own logs.",
      });
      Validations.of(provider).acknowledge({
        id: 'AwsSolutions-L1',
        reason:
          "aws-cdk-lib's own deploy-time handler; its runtime is chosen and kept current by aws-cdk-lib, not by this stack.",
      });
    }
    return reader.getResponseField('Parameter.Value');
  }
}
