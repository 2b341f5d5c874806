import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/**
 * Lambda@Edge, origin request, with the body: CloudFront signs requests to a Function URL behind origin access
 * control, but Lambda takes no unsigned payload, so a POST must carry `x-amz-content-sha256` (the SHA-256 of its
 * body), which a browser's form post cannot send. This sets it from the body CloudFront hands over. A body CloudFront
 * had to cut (over 1 MB; the forms send under 1 KB) cannot be hashed and gets 413.
 */
export const BODY_HASH_HANDLER = `'use strict';
const { createHash } = require('crypto');
exports.handler = async (event) => {
  const request = event.Records[0].cf.request;
  const body = request.body || {};
  if (body.inputTruncated) return { status: '413', statusDescription: 'Payload Too Large' };
  const bytes = Buffer.from(body.data || '', body.encoding === 'base64' ? 'base64' : 'utf8');
  request.headers['x-amz-content-sha256'] = [{ key: 'x-amz-content-sha256', value: createHash('sha256').update(bytes).digest('hex') }];
  return request;
};
`;

/** The body-hash function, in a stack in us-east-1 (Lambda@Edge functions are created there and replicated). */
export class EdgeBodyHash extends Construct {
  readonly function: lambda.Function;
  /** What a distribution associates: Lambda@Edge takes a numbered version, never $LATEST. */
  readonly version: lambda.IVersion;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.CompositePrincipal(
        new iam.ServicePrincipal('lambda.amazonaws.com'),
        new iam.ServicePrincipal('edgelambda.amazonaws.com'),
      ),
      description: 'Broadsheet body-hash edge function: writes its own logs, in whichever region it runs',
    });
    this.function = new lambda.Function(this, 'Function', {
      description: 'Broadsheet: x-amz-content-sha256 of subscriber form posts, for origin access control',
      // Lambda@Edge runs x86_64 only, and takes no environment variables.
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.X86_64,
      handler: 'index.handler',
      code: lambda.Code.fromInline(BODY_HASH_HANDLER),
      memorySize: 128,
      timeout: Duration.seconds(5),
      role,
    });
    this.version = this.function.currentVersion;
    // Edge replicas log to /aws/lambda/us-east-1.<name> in the region that ran them. A policy of its own, so the
    // function (which depends on its role's default policy) and this statement (which names it) make no cycle.
    const logs = new iam.Policy(this, 'Logs', {
      statements: [
        new iam.PolicyStatement({
          actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [
            Stack.of(this).formatArn({
              service: 'logs',
              region: '*',
              resource: 'log-group',
              resourceName: `/aws/lambda/us-east-1.${this.function.functionName}:*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          ],
        }),
      ],
    });
    logs.attachToRole(role);
    Validations.of(logs).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:aws:logs:*:<AWS::AccountId>:log-group:/aws/lambda/us-east-1.<${Stack.of(this).getLogicalId(this.function.node.defaultChild as lambda.CfnFunction)}>:*]`,
      reason:
        'Lambda@Edge replicas write their logs in every region CloudFront runs them in; the log group is this function’s alone.',
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Lambda@Edge supports fewer runtimes than Lambda; nodejs22.x is the newest it runs, and the handler needs only crypto.',
    });
  }
}
