import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { runtimeEnvironment } from '../../src/app/runtime-config.ts';

/** The project root: functions/ and package-lock.json live here. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The handlers in functions/, by file name. */
export type HandlerName =
  | 'publish'
  | 'dispatch-worker'
  | 'partner-webhook'
  | 'subscribe'
  | 'confirm'
  | 'unsubscribe'
  | 'ses-events'
  | 'confirmation-sender';

export function handlerEntry(name: HandlerName): string {
  return `${PROJECT_ROOT}functions/${name}.ts`;
}

/** What every function shares: the environment readRuntimeConfig() reads, the token key and the runtime. */
export interface FunctionRuntime {
  /** Variables of src/app/runtime-config.ts (without TOKEN_SECRET: the key is read through TOKEN_SECRET_ARN). */
  readonly environment: Readonly<Record<string, string>>;
  readonly tokenSecret: secretsmanager.ISecret;
  /** The signing key set (TOKEN_KEYS) after a rotation; `tokenSecret` is then the subscriber-id key alone. */
  readonly tokenKeys?: secretsmanager.ISecret;
  readonly logRetention: logs.RetentionDays;
  /** Default: Node.js 24 (Lambda's newest Node.js runtime; Node.js 20 is retired). */
  readonly runtime?: lambda.Runtime;
}

export interface BroadsheetFunctionProps {
  readonly handler: HandlerName;
  readonly description: string;
  readonly runtime: FunctionRuntime;
  /** Default: 512 MB. */
  readonly memorySize?: number;
  /** Default: 30 seconds. */
  readonly timeout?: Duration;
  /** Default: none (the account's unreserved pool). */
  readonly reservedConcurrentExecutions?: number;
  /** Extra variables for this function only. */
  readonly environment?: Record<string, string>;
  /**
   * Whether the function may read the token keys (it signs or checks subscriber links, or derives subscriber ids).
   * One that needs none (the publish function, the webhook worker) gets no grant and no ARN, so it cannot forge a
   * reader's link. @default true
   */
  readonly readsTokenKeys?: boolean;
}

/** esbuild's ESM output has no `require`; CommonJS dependencies (handlebars) still call it. */
export const REQUIRE_BANNER =
  "import { createRequire as __broadsheetRequire } from 'node:module'; const require = __broadsheetRequire(import.meta.url);";

/**
 * One handler of functions/ as a Lambda function: bundled by the local esbuild (ESM, minified, source maps, the
 * pinned AWS SDK included), arm64, JSON logs into its own log group with retention, its own role that may write
 * only to that log group, and the token key through the Parameters and Secrets extension (GetSecretValue on that
 * one secret).
 */
export class BroadsheetFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: BroadsheetFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.runtime.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Broadsheet ${props.handler} function`,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    const readsTokenKeys = props.readsTokenKeys ?? true;
    if (readsTokenKeys) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['secretsmanager:GetSecretValue'],
          resources: [
            props.runtime.tokenSecret.secretArn,
            ...(props.runtime.tokenKeys ? [props.runtime.tokenKeys.secretArn] : []),
          ],
        }),
      );
    }

    this.function = new NodejsFunction(this, 'Function', {
      entry: handlerEntry(props.handler),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      description: props.description,
      runtime: props.runtime.runtime ?? lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      ...(props.reservedConcurrentExecutions !== undefined && {
        reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      }),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      paramsAndSecrets: lambda.ParamsAndSecretsLayerVersion.fromVersion(lambda.ParamsAndSecretsVersions.V1_0_103, {
        cacheSize: 10,
        logLevel: lambda.ParamsAndSecretsLogLevel.WARN,
      }),
      environment: {
        ...props.runtime.environment,
        ...props.environment,
        ...(readsTokenKeys
          ? runtimeEnvironment({ tokenSecretArn: props.runtime.tokenSecret.secretArn })
          : runtimeEnvironment({ noTokenKeys: 'true' })),
        // With a key set the token secret stays what it always was to ids: the subscriber-id key.
        ...(readsTokenKeys &&
          props.runtime.tokenKeys &&
          runtimeEnvironment({
            tokenKeysArn: props.runtime.tokenKeys.secretArn,
            subscriberIdKeyArn: props.runtime.tokenSecret.secretArn,
          })),
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        banner: REQUIRE_BANNER,
        bundleAwsSDK: true,
        forceDockerBundling: false,
      },
    });
  }
}
