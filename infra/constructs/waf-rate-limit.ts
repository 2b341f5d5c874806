import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** WAF's smallest rate limit (requests per evaluation window); lower values are refused at deploy time. */
export const WAF_MINIMUM_RATE_LIMIT = 10;
/** One minute: the shortest evaluation window WAF offers (60, 120, 300 or 600 seconds). */
export const RATE_WINDOW_SECONDS = 60;

export interface SubscribeRateLimitProps {
  /** Requests per client IP address per minute on `path`. */
  readonly limit: number;
  /** The path the limit applies to, exactly. */
  readonly path: string;
}

/**
 * A web ACL for the distribution (scope CLOUDFRONT, so created in us-east-1): every request is allowed except a
 * client IP address's requests to the subscribe path beyond `limit` a minute, answered 429 with Retry-After. The
 * subscribe function keeps a limit of its own as well (src/http/guards.ts), which the local run shows.
 *
 * WAF aggregates a rate-based rule by whole address: neither `aggregateKeyType` (IP, FORWARDED_IP, CUSTOM_KEYS,
 * CONSTANT) nor any custom key (IP, forwarded IP, ASN, header, cookie, query, path, method, label, JA3/JA4) groups
 * IPv6 addresses by prefix, so a client rotating interface ids in its /64 passes this rule. The function's limit
 * counts an IPv6 client per /64 (clientNetwork in src/http/request.ts) and is the one that holds there.
 */
export class SubscribeRateLimit extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: SubscribeRateLimitProps) {
    super(scope, id);
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      description: `Broadsheet: at most ${props.limit} requests a minute per client address to ${props.path}`,
      defaultAction: { allow: {} },
      visibilityConfig: visibility('BroadsheetSite'),
      customResponseBodies: {
        TooMany: {
          contentType: 'TEXT_PLAIN',
          content: 'Too many requests from this address. Please wait a minute and try again.\n',
        },
      },
      rules: [
        {
          name: 'SubscribeRatePerClient',
          priority: 0,
          action: {
            block: {
              customResponse: {
                responseCode: 429,
                customResponseBodyKey: 'TooMany',
                responseHeaders: [{ name: 'retry-after', value: String(RATE_WINDOW_SECONDS) }],
              },
            },
          },
          statement: {
            rateBasedStatement: {
              limit: props.limit,
              evaluationWindowSec: RATE_WINDOW_SECONDS,
              aggregateKeyType: 'IP',
              scopeDownStatement: {
                byteMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  positionalConstraint: 'EXACTLY',
                  searchString: props.path,
                  textTransformations: [{ priority: 0, type: 'NONE' }],
                },
              },
            },
          },
          visibilityConfig: visibility('BroadsheetSubscribeRate'),
        },
      ],
    });
  }
}
