import { createHash } from 'node:crypto';
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { BODY_HASH_HANDLER, EdgeBodyHash } from './edge-body-hash.ts';
import { SubscribeRateLimit } from './waf-rate-limit.ts';

/** CloudFront reads Lambda@Edge functions and CLOUDFRONT-scope web ACLs only from this region. */
export const EDGE_REGION = 'us-east-1';

/**
 * Where the edge stack leaves what the distribution needs, in SSM Parameter Store of us-east-1. The version's name
 * carries a digest of the function's code, so new code is a new name and the pipeline stack reads it again.
 */
export function edgeParameterNames(stackPrefix: string): { bodyHashVersion: string; webAcl: string } {
  const code = createHash('sha256').update(BODY_HASH_HANDLER).digest('hex').slice(0, 12);
  return {
    bodyHashVersion: `/broadsheet/${stackPrefix}/edge/body-hash-${code}/version-arn`,
    webAcl: `/broadsheet/${stackPrefix}/edge/web-acl-arn`,
  };
}

export interface EdgeStackProps extends StackProps {
  readonly stackPrefix: string;
  /** Requests a minute per client address to /subscribe; undefined: no web ACL here (the deployment names its own). */
  readonly subscribeRateLimit: number | undefined;
}

/**
 * What CloudFront must find in us-east-1 whatever region the pipeline runs in: the body-hash edge function and the
 * web ACL with the subscribe rate limit. The pipeline stack reads their ARNs through edgeParameterNames.
 */
export class EdgeStack extends Stack {
  readonly bodyHash: EdgeBodyHash;
  readonly rateLimit: SubscribeRateLimit | undefined;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, { ...props, env: { ...props.env, region: EDGE_REGION } });
    const names = edgeParameterNames(props.stackPrefix);
    this.bodyHash = new EdgeBodyHash(this, 'EdgeBodyHash');
    new ssm.StringParameter(this, 'BodyHashVersionArn', {
      parameterName: names.bodyHashVersion,
      stringValue: this.bodyHash.version.edgeArn,
      description: 'Broadsheet: the body-hash edge function version the distribution runs',
    });
    if (props.subscribeRateLimit !== undefined) {
      this.rateLimit = new SubscribeRateLimit(this, 'SubscribeRateLimit', {
        limit: props.subscribeRateLimit,
        path: '/subscribe',
      });
      new ssm.StringParameter(this, 'WebAclArn', {
        parameterName: names.webAcl,
        stringValue: this.rateLimit.webAcl.attrArn,
        description: 'Broadsheet: the web ACL the distribution is attached to',
      });
    }
  }
}
