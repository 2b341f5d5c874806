import { Stack } from 'aws-cdk-lib';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledgeCustomResourceProvider } from './custom-resource-provider.ts';
import { EDGE_REGION } from './edge-stack.ts';

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
    acknowledgeCustomResourceProvider(this, "reads the edge stack's parameters");
    return reader.getResponseField('Parameter.Value');
  }
}
