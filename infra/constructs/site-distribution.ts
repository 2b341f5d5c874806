import { Duration, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { SiteAccessLogs } from './site-access-logs.ts';
import type { SubscriberRoute } from './subscriber-stage.ts';
import { SITE_CONTENT_SECURITY_POLICY } from '../../src/http/site-headers.ts';

export interface SiteDistributionProps {
  /** The public bucket, imported into this stack: its one bucket policy is written here. */
  readonly site: s3.IBucket;
  /** Where the distribution's standard logs (v2) go, under `cloudfront/`. */
  readonly accessLogs: s3.IBucket;
  readonly routes: Record<SubscriberRoute, lambda.IFunctionUrl>;
  /** The site's own domain, served when a certificate is given. Default: none (cloudfront.net only). */
  readonly domainName?: string | undefined;
  /** An ACM certificate in us-east-1 for domainName. Default: none. */
  readonly certificateArn?: string | undefined;
  /** A WAF web ACL (CLOUDFRONT scope): the edge stack's subscribe rate limit, or the deployment's own. Default: none. */
  readonly webAclArn?: string | undefined;
  /** The body-hash Lambda@Edge version (infra/constructs/edge-body-hash.ts) that lets form posts through origin
   * access control to the Function URLs. */
  readonly bodyHashVersionArn: string;
  /** Cache time of pages and ninjs when the object has no Cache-Control. Default: 5 minutes (as publish sets). */
  readonly pageTtl?: Duration;
  /** Cache time of feeds when the object has no Cache-Control. Default: 1 minute (as publish sets). */
  readonly feedTtl?: Duration;
  /** Default: PRICE_CLASS_100 (North America and Europe edge locations). */
  readonly priceClass?: cloudfront.PriceClass;
}

/**
 * S3 has no directory index behind origin access control: `/archive/3/` → `/archive/3/index.html`, and a folder
 * named without its slash (`/topics/economy`: a last segment with no dot, since every file the site holds has an
 * extension) is redirected to the slash form, as the local server does.
 */
export const DIRECTORY_INDEX = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.endsWith('/')) {
    request.uri = uri + 'index.html';
    return request;
  }
  if (uri.substring(uri.lastIndexOf('/') + 1).indexOf('.') === -1) {
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: uri + '/' } } };
  }
  return request;
}`;

/**
 * The public site: the site bucket through origin access control (pages, ninjs for partners, feeds), compressed,
 * with short cache times for feeds and longer ones for pages, every page with the site's Content-Security-Policy;
 * /subscribe, /confirm and /unsubscribe go uncached, with every method and query string, the headers the handlers
 * read and the viewer's address, to their Function URLs, signed by origin access control.
 */
export class SiteDistribution extends Construct {
  readonly distribution: cloudfront.Distribution;
  readonly bucketPolicy: s3.BucketPolicy;

  constructor(scope: Construct, id: string, props: SiteDistributionProps) {
    super(scope, id);
    // Only Accept-Encoding (normalised to gzip or br) goes into the key. CloudFront answers a viewer's If-None-Match
    // or If-Modified-Since with 304 from its cached copy, by the ETag and Last-Modified S3 sent, and revalidates an
    // expired copy with a conditional GET of its own: a validator in the key would split the cache per client, and
    // forwarding cookies would switch conditional requests off. test/integration/infra-site-cache.test.ts holds these rules.
    const ttlPolicy = (name: string, defaultTtl: Duration, maxTtl: Duration) =>
      new cloudfront.CachePolicy(this, name, {
        comment: `Broadsheet ${name}: the object's Cache-Control within bounds, compressed`,
        defaultTtl,
        minTtl: Duration.seconds(0),
        maxTtl,
        enableAcceptEncodingGzip: true,
        enableAcceptEncodingBrotli: true,
        queryStringBehavior: cloudfront.CacheQueryStringBehavior.none(),
        headerBehavior: cloudfront.CacheHeaderBehavior.none(),
        cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      });
    const pages = ttlPolicy('PagesCache', props.pageTtl ?? Duration.minutes(5), Duration.days(1));
    const feeds = ttlPolicy('FeedsCache', props.feedTtl ?? Duration.minutes(1), Duration.minutes(5));
    // Complete archive pages carry whole bodies: no copy outlives 5 minutes, whatever Cache-Control an object was
    // stored with (pages written before max-age=300 said a day), and a correction or withdrawal invalidates them.
    const archives = ttlPolicy('ArchivesCache', Duration.minutes(5), Duration.minutes(5));

    // A bucket has one policy; the site bucket's lives here, where the distribution's ARN is known, so the
    // origin access control statement names this distribution alone.
    this.bucketPolicy = new s3.BucketPolicy(this, 'SiteBucketPolicy', { bucket: props.site });
    (props.site as { policy?: s3.BucketPolicy }).policy = this.bucketPolicy;
    this.bucketPolicy.document.addStatements(
      new iam.PolicyStatement({
        sid: 'DenyInsecureTransport',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:*'],
        resources: [props.site.bucketArn, props.site.arnForObjects('*')],
        conditions: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    const siteOrigin = origins.S3BucketOrigin.withOriginAccessControl(props.site, {
      originAccessLevels: [cloudfront.AccessLevel.READ],
    });
    const directoryIndex = new cloudfront.Function(this, 'DirectoryIndex', {
      comment: 'Broadsheet: folder/ → folder/index.html, folder → folder/',
      code: cloudfront.FunctionCode.fromInline(DIRECTORY_INDEX),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
    });
    const onViewerRequest = [{ function: directoryIndex, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }];

    const fromBucket = (
      cachePolicy: cloudfront.ICachePolicy,
      headers: cloudfront.IResponseHeadersPolicy,
    ): cloudfront.BehaviorOptions => ({
      origin: siteOrigin,
      cachePolicy,
      responseHeadersPolicy: headers,
      compress: true,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
    });
    // Partners and feed readers fetch these from other origins.
    const shared = cloudfront.ResponseHeadersPolicy.CORS_ALLOW_ALL_ORIGINS_AND_SECURITY_HEADERS;
    // Every page of the site: its Content-Security-Policy (src/http/site-headers.ts) and the usual security headers.
    const pageHeaders = new cloudfront.ResponseHeadersPolicy(this, 'PageHeaders', {
      comment: 'Broadsheet pages: Content-Security-Policy, nosniff, referrer policy, no framing, HSTS',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: SITE_CONTENT_SECURITY_POLICY, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: {
          referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: true,
        },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
    });
    // The Function URLs answer only what CloudFront signs (AWS_IAM). A signed POST must carry the SHA-256 of its body,
    // which a form cannot send: the body-hash edge function adds it, before CloudFront signs.
    const functionAccess = new cloudfront.FunctionUrlOriginAccessControl(this, 'FunctionUrlAccess', {
      signing: cloudfront.Signing.SIGV4_ALWAYS,
    });
    const bodyHash = lambda.Version.fromVersionArn(this, 'BodyHash', props.bodyHashVersionArn);
    // What the handlers read, and the viewer's address (the subscribe function's own per-client limit). No Host: the
    // Function URL answers to its own; no cookies: nothing here uses them.
    const toHandlers = new cloudfront.OriginRequestPolicy(this, 'SubscriberRequests', {
      comment:
        'Broadsheet subscriber routes: the headers the handlers read, CloudFront-Viewer-Address, every query string',
      headerBehavior: cloudfront.OriginRequestHeaderBehavior.allowList(
        'accept-language',
        'content-type',
        'origin',
        'referer',
        'sec-fetch-site',
        'user-agent',
        'CloudFront-Viewer-Address',
      ),
      queryStringBehavior: cloudfront.OriginRequestQueryStringBehavior.all(),
      cookieBehavior: cloudfront.OriginRequestCookieBehavior.none(),
    });
    const toFunction = (route: SubscriberRoute): cloudfront.BehaviorOptions => ({
      origin: origins.FunctionUrlOrigin.withOriginAccessControl(props.routes[route], {
        originAccessControl: functionAccess,
      }),
      edgeLambdas: [
        { functionVersion: bodyHash, eventType: cloudfront.LambdaEdgeEventType.ORIGIN_REQUEST, includeBody: true },
      ],
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: toHandlers,
      responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      compress: true,
    });

    const custom =
      props.certificateArn && props.domainName
        ? {
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn),
            domainNames: [props.domainName],
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {};
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Broadsheet public site',
      ...custom,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_100,
      ...(props.webAclArn && { webAclId: props.webAclArn }),
      defaultBehavior: { ...fromBucket(pages, pageHeaders), functionAssociations: onViewerRequest },
      additionalBehaviors: {
        '/editorials/*/ninjs.json': fromBucket(pages, shared),
        '/editorials/*': { ...fromBucket(pages, pageHeaders), functionAssociations: onViewerRequest },
        // Archive pages (feeds and HTML): at most 5 minutes at the edge. Listed before the subscription documents,
        // since CloudFront takes the first pattern that matches.
        '/archive/*': { ...fromBucket(archives, pageHeaders), functionAssociations: onViewerRequest },
        '/feeds/archive/*': fromBucket(archives, shared),
        '/feeds/*': fromBucket(feeds, shared),
        '/topics/*/archive/*': { ...fromBucket(archives, pageHeaders), functionAssociations: onViewerRequest },
        '/topics/*/feeds/archive/*': fromBucket(archives, shared),
        '/topics/*/feeds/*': fromBucket(feeds, shared),
        // Partner feeds: each partner reads its own, by a secret path; never kept by CloudFront (Cache-Control private).
        '/partners/*': fromBucket(cloudfront.CachePolicy.CACHING_DISABLED, shared),
        '/subscribe': toFunction('subscribe'),
        '/confirm': toFunction('confirm'),
        '/unsubscribe': toFunction('unsubscribe'),
      },
    });

    if (!custom.certificate) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          "Without a certificate of its own (context certificateArn) a distribution answers on *.cloudfront.net with CloudFront's " +
          'default certificate, whose security policy cannot be changed; with one, TLSv1.2_2021 is the minimum.',
      });
    }
    // Standard logging (v2) without query strings, referrers or cookies: readers' tokens never reach a log.
    new SiteAccessLogs(this, 'AccessLogs', { distribution: this.distribution, bucket: props.accessLogs });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR3',
      reason:
        'Access logging is on, as CloudFront standard logging (v2) to the access-log bucket (SiteAccessLogs), which can leave ' +
        "out the query string that holds readers' tokens; this rule looks only for the legacy logging, which cannot.",
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'A public publication meant to be readable from every country; there is no legal reason to restrict by geography.',
    });
  }
}
