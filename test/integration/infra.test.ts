import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { withoutAwsCredentials } from '../helpers/no-aws-credentials.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WITHHELD_ACCESS_LOG_FIELDS } from '../../infra/constructs/site-access-logs.ts';
import { readSettings, SettingsError } from '../../infra/settings.ts';
import { synthesizeBroadsheet, type Synthesised } from '../../infra/synth.ts';
import { loadRuntimeConfig, readRuntimeConfig } from '../../src/app/runtime-config.ts';
import { buildCatalogue } from '../../src/catalogue/site.ts';
import { PARTNER_REGISTRY_KEY } from '../../src/partners/registry.ts';
import { configFrom } from '../../src/config.ts';
import { makeEditorial } from '../fixtures/editorial.ts';

type Json = Record<string, unknown>;
type Resource = {
  Type: string;
  Properties?: Json;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: Json;
};
type Statement = {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Json;
};

const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';

const synths: Synthesised[] = [];
function synth(...args: Parameters<typeof synthesizeBroadsheet>): Synthesised {
  const result = synthesizeBroadsheet(...args);
  synths.push(result);
  return result;
}
afterAll(() => {
  restoreCredentials();
  for (const s of synths) rmSync(s.assembly.directory, { recursive: true, force: true });
});

let app: Synthesised;
let data: Template;
let pipeline: Template;
let dataJson: { Resources: Record<string, Resource>; Outputs?: Record<string, Json> };
let pipelineJson: { Resources: Record<string, Resource> };

let restoreCredentials: () => void = () => {};
beforeAll(() => {
  // No credentials of any kind: synthesis must need none.
  restoreCredentials = withoutAwsCredentials();
  app = synth();
  dataJson = app.assembly.getStackByName(app.stacks.data.stackName).template;
  pipelineJson = app.assembly.getStackByName(app.stacks.pipeline.stackName).template;
  data = Template.fromJSON(dataJson);
  pipeline = Template.fromJSON(pipelineJson);
});

const resourcesOf = (template: { Resources: Record<string, Resource> }, type: string) =>
  Object.entries(template.Resources).filter(([, r]) => r.Type === type);
const all = () => [...Object.entries(dataJson.Resources), ...Object.entries(pipelineJson.Resources)];
const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** aws-cdk-lib's one function for every AwsCustomResource of a stack (here: reading the edge stack's parameters). */
const AWS_CUSTOM_RESOURCE_PROVIDER = 'AWS679f53fac002430cb0da5b7982bd2287';

/** Broadsheet's own functions (not aws-cdk-lib's deploy-time handlers), by logical id. */
const broadsheetFunctions = () =>
  resourcesOf(pipelineJson, 'AWS::Lambda::Function').filter(
    ([id, r]) =>
      !String(r.Properties?.Description ?? '').startsWith('AWS CloudFormation handler') &&
      !id.startsWith(AWS_CUSTOM_RESOURCE_PROVIDER),
  );

/** The functions given the partner key: publish (partner paths) and the webhook worker (signing keys). */
/** The functions that hold no token key: the publish function (it reads the partner path secret) and the webhook
 * worker (it reads the webhook secret, never the path secret). */
const readsPartnerKey = (id: string) => id.startsWith('PublishPublisher') || id.startsWith('PartnerWebhooksWorker');
const ownSecret = (id: string) => (id.startsWith('PublishPublisher') ? 'PartnerSecret' : 'WebhookSecret');

function functionId(prefix: string): string {
  const found = broadsheetFunctions().find(([id]) => id.startsWith(prefix));
  if (!found) throw new Error(`no function ${prefix}`);
  return found[0];
}

/** Every statement of every identity policy, with the role(s) it is attached to. */
function identityStatements(): { policy: string; roles: string[]; statement: Statement }[] {
  const out: { policy: string; roles: string[]; statement: Statement }[] = [];
  for (const [id, r] of all()) {
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') {
      const roles = asArray(r.Properties?.Roles as { Ref: string }[] | undefined).map((x) => x.Ref);
      for (const statement of (r.Properties!.PolicyDocument as { Statement: Statement[] }).Statement)
        out.push({ policy: id, roles, statement });
    }
    if (r.Type === 'AWS::IAM::Role') {
      for (const p of asArray(r.Properties?.Policies as { PolicyDocument: { Statement: Statement[] } }[] | undefined)) {
        for (const statement of p.PolicyDocument.Statement) out.push({ policy: id, roles: [id], statement });
      }
    }
  }
  return out;
}

/** The function of exactly this construct (SubscribersConfirm, not SubscribersConfirmationSender), by logical id. */
function functionIdExactly(constructId: string): string {
  const found = broadsheetFunctions().find(([id]) => new RegExp(`^${constructId}Function[0-9A-F]{8}$`).test(id));
  if (!found) throw new Error(`no function ${constructId}`);
  return found[0];
}

function statementsOfFunction(prefix: string): Statement[] {
  const fn = pipelineJson.Resources[functionId(prefix)]!;
  const role = (fn.Properties!.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return identityStatements()
    .filter((s) => s.roles.includes(role))
    .map((s) => s.statement);
}

const actionsOf = (statements: Statement[]) => statements.flatMap((s) => asArray(s.Action));
const json = (value: unknown) => JSON.stringify(value);

describe('the app synthesises offline', () => {
  it('has a data stack and a pipeline stack that imports from it', () => {
    expect(app.assembly.stacks.map((s) => s.stackName).sort()).toEqual([
      'BroadsheetData',
      'BroadsheetEdge',
      'BroadsheetPipeline',
    ]);
    // The edge stack alone has a region: CloudFront reads edge functions and web ACLs from us-east-1 only.
    expect(app.assembly.getStackByName('BroadsheetEdge').environment.region).toBe('us-east-1');
    expect(app.assembly.getStackByName('BroadsheetPipeline').environment.region).toBe('unknown-region');
    expect(app.stacks.pipeline.dependencies.map((s) => s.stackName)).toContain('BroadsheetEdge');
    expect(app.stacks.pipeline.dependencies.map((s) => s.stackName)).toContain('BroadsheetData');
    expect(json(pipelineJson)).toContain('Fn::ImportValue');
  });

  it('gives no physical names to buckets, tables, queues, functions or the configuration set', () => {
    const named: Record<string, string> = {
      'AWS::S3::Bucket': 'BucketName',
      'AWS::DynamoDB::Table': 'TableName',
      'AWS::SQS::Queue': 'QueueName',
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::SES::ConfigurationSet': 'Name',
      'AWS::SecretsManager::Secret': 'Name',
      'AWS::IAM::Role': 'RoleName',
    };
    for (const [id, r] of all()) {
      const key = named[r.Type];
      if (key) expect(r.Properties?.[key], `${id} ${key}`).toBeUndefined();
    }
  });
});

describe('data stack', () => {
  it('retains every stateful resource, in a stack protected from deletion', () => {
    expect(app.stacks.data.terminationProtection).toBe(true);
    for (const type of [
      'AWS::S3::Bucket',
      'AWS::DynamoDB::Table',
      'AWS::SecretsManager::Secret',
      'AWS::SES::EmailIdentity',
      'AWS::SES::ConfigurationSet',
    ]) {
      const found = resourcesOf(dataJson, type);
      expect(found.length, type).toBeGreaterThan(0);
      for (const [id, r] of found) {
        expect(r.DeletionPolicy, id).toBe('Retain');
        expect(r.UpdateReplacePolicy, id).toBe('Retain');
      }
    }
  });

  it('keeps subscribers {id} and the ledger {pk, sk} on demand with point-in-time recovery', () => {
    const tables = resourcesOf(dataJson, 'AWS::DynamoDB::Table').map(([, r]) => r.Properties!);
    expect(tables.map((t) => t.KeySchema)).toEqual(
      expect.arrayContaining([
        [{ AttributeName: 'id', KeyType: 'HASH' }],
        [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      ]),
    );
    for (const t of tables) {
      expect(t.BillingMode).toBe('PAY_PER_REQUEST');
      expect(t.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(t.DeletionProtectionEnabled).toBe(true);
      expect(t.SSESpecification).toEqual({ SSEEnabled: true });
    }
  });

  it('blocks public access to every bucket and encrypts it; the editorials bucket is versioned and logged', () => {
    const buckets = resourcesOf(dataJson, 'AWS::S3::Bucket');
    expect(buckets).toHaveLength(3);
    for (const [id, r] of buckets) {
      expect(r.Properties!.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(json(r.Properties!.BucketEncryption), id).toContain('AES256');
    }
    const editorials = buckets.find(([id]) => id.startsWith('BucketsEditorials'))![1].Properties!;
    expect(editorials.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(editorials.LifecycleConfiguration).not.toHaveProperty('Rules.0.NoncurrentVersionExpiration');
    for (const prefix of ['BucketsEditorials', 'BucketsSite']) {
      const bucket = buckets.find(([id]) => id.startsWith(prefix))![1].Properties!;
      expect(bucket.LoggingConfiguration, prefix).toMatchObject({
        DestinationBucketName: { Ref: expect.stringMatching(/^BucketsAccessLogs/) },
      });
    }
  });

  it('denies requests without TLS on every bucket (the site bucket through the pipeline stack)', () => {
    const denyInsecure = (statements: Statement[]) =>
      statements.some(
        (s) =>
          s.Effect === 'Deny' &&
          json(s.Principal).includes('*') &&
          json(s.Condition) === json({ Bool: { 'aws:SecureTransport': 'false' } }),
      );
    const policies = [
      ...resourcesOf(dataJson, 'AWS::S3::BucketPolicy'),
      ...resourcesOf(pipelineJson, 'AWS::S3::BucketPolicy'),
    ];
    const bucketsWithTls = policies
      .filter(([, r]) => denyInsecure((r.Properties!.PolicyDocument as { Statement: Statement[] }).Statement))
      .map(([, r]) => json(r.Properties!.Bucket));
    expect(bucketsWithTls).toEqual(
      expect.arrayContaining([
        json({ Ref: resourcesOf(dataJson, 'AWS::S3::Bucket').find(([id]) => id.startsWith('BucketsEditorials'))![0] }),
        json({ Ref: resourcesOf(dataJson, 'AWS::S3::Bucket').find(([id]) => id.startsWith('BucketsAccessLogs'))![0] }),
        json({ 'Fn::ImportValue': 'BroadsheetData:SiteBucketName' }),
      ]),
    );
  });

  it('lets only this distribution read the site bucket, and nobody list it', () => {
    const [[, policy]] = resourcesOf(pipelineJson, 'AWS::S3::BucketPolicy') as [[string, Resource]];
    const allows = (policy.Properties!.PolicyDocument as { Statement: Statement[] }).Statement.filter(
      (s) => s.Effect === 'Allow',
    );
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({ Action: 's3:GetObject', Principal: { Service: 'cloudfront.amazonaws.com' } });
    const distribution = resourcesOf(pipelineJson, 'AWS::CloudFront::Distribution')[0]![0];
    expect(json(allows[0]!.Condition)).toContain(json({ Ref: distribution }));
  });

  it('generates the token key at deploy time: its value is never in a template', () => {
    data.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
    });
    for (const [id, r] of all()) {
      expect(r.Properties ?? {}, id).not.toHaveProperty('SecretString');
      const variables = (r.Properties?.Environment as { Variables?: Json } | undefined)?.Variables ?? {};
      expect(variables, id).not.toHaveProperty('TOKEN_SECRET');
    }
    expect(json(dataJson) + json(pipelineJson)).not.toMatch(/TOKEN_SECRET"\s*:/);
  });

  it('verifies the domain with Easy DKIM and prints the three DNS records', () => {
    data.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'monexus.example',
      DkimSigningAttributes: Match.absent(),
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: Match.stringLikeRegexp('^MailConfigurationSet') } },
    });
    const dkim = Object.keys(dataJson.Outputs ?? {}).filter((k) => k.includes('DkimRecord'));
    expect(dkim).toHaveLength(3);
  });

  it('publishes every event a dispatch counts (no opens or clicks by default) to EventBridge', () => {
    data.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: ['send', 'delivery', 'bounce', 'complaint', 'reject', 'deliveryDelay'],
        EventBridgeDestination: { EventBusArn: Match.anyValue() },
      },
    });
    data.hasResourceProperties('AWS::SES::ConfigurationSet', { ReputationOptions: { ReputationMetricsEnabled: true } });
  });
});

describe('publish stage', () => {
  it('is invoked for objects created and removed under approved/ only', () => {
    const [[, notifications]] = resourcesOf(pipelineJson, 'Custom::S3BucketNotifications') as [[string, Resource]];
    const configs = (notifications.Properties!.NotificationConfiguration as { LambdaFunctionConfigurations: Json[] })
      .LambdaFunctionConfigurations;
    const publish = { 'Fn::GetAtt': [functionId('PublishPublisher'), 'Arn'] };
    expect(configs).toEqual(
      expect.arrayContaining(
        ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'].map((event) => ({
          Events: [event],
          Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'approved/' }] } },
          LambdaFunctionArn: publish,
        })),
      ),
    );
    expect(configs).toHaveLength(2);
    expect(notifications.Properties!.BucketName).toEqual({ 'Fn::ImportValue': 'BroadsheetData:EditorialsBucketName' });
    pipeline.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 's3.amazonaws.com',
      FunctionName: publish,
      SourceArn: { 'Fn::ImportValue': 'BroadsheetData:EditorialsBucketArn' },
    });
  });

  it('may read the desk’s approved/ objects but never write or delete them', () => {
    const statements = statementsOfFunction('PublishPublisher');
    const writes = statements.filter((s) => asArray(s.Action).some((a) => /s3:(Put|Delete)/.test(a)));
    expect(json(writes)).not.toContain('approved/');
    expect(json(writes)).not.toMatch(/"\/\*"/);
    const reads = statements.filter((s) => asArray(s.Action).includes('s3:GetObject'));
    expect(json(reads)).toContain('/approved/*');
  });

  it('is told the site distribution (DISTRIBUTION_ID) and may invalidate it alone; no other function may', () => {
    const [[distributionId]] = resourcesOf(pipelineJson, 'AWS::CloudFront::Distribution') as [[string, Resource]];
    const variables = (
      pipelineJson.Resources[functionId('PublishPublisher')]!.Properties!.Environment as { Variables: Json }
    ).Variables;
    expect(variables.DISTRIBUTION_ID).toEqual({ Ref: distributionId });
    const invalidations = statementsOfFunction('PublishPublisher').filter((s) =>
      asArray(s.Action).some((a) => a.startsWith('cloudfront:')),
    );
    expect(invalidations).toHaveLength(1);
    expect(invalidations[0]!.Effect).toBe('Allow');
    expect(asArray(invalidations[0]!.Action)).toEqual(['cloudfront:CreateInvalidation']);
    const resources = asArray(invalidations[0]!.Resource);
    expect(resources).toHaveLength(1);
    // arn:<partition>:cloudfront::<account>:distribution/<that distribution's id>
    expect(json(resources[0])).toMatch(/":cloudfront::"/);
    expect(json(resources[0])).toContain(`":distribution/",{"Ref":"${distributionId}"}`);
    for (const [id] of broadsheetFunctions()) {
      if (id.startsWith('PublishPublisher')) continue;
      expect(
        actionsOf(statementsOfFunction(id)).filter((a) => a.startsWith('cloudfront:')),
        id,
      ).toEqual([]);
    }
  });

  it('may read the partner registry, the one key of config/, and never write it', () => {
    const statements = statementsOfFunction('PublishPublisher');
    const on = (action: string) => json(statements.filter((s) => asArray(s.Action).includes(action)));
    expect(on('s3:GetObject')).toContain(`"/${PARTNER_REGISTRY_KEY}"`);
    expect(on('s3:GetObject')).not.toContain('"/config/*"');
    for (const action of ['s3:PutObject', 's3:DeleteObject']) expect(on(action)).not.toContain('config/');
  });

  it('may write every file of the public site the publish stage writes, in the site bucket alone', () => {
    const statements = statementsOfFunction('PublishPublisher').filter((s) =>
      asArray(s.Action).includes('s3:PutObject'),
    );
    const siteBucket = json(statements).includes('PublicBucket') || json(statements).includes('SiteBucket');
    expect(siteBucket).toBe(true);
    // Object ARNs are joined as [bucket ARN, "/<pattern>"]: the patterns granted, in either bucket.
    const patterns = [...json(statements).matchAll(/"\/([^"]*)"\]\]\}/g)].map((m) => m[1]!);
    const granted = (key: string) =>
      patterns.some((p) =>
        new RegExp(
          `^${p
            .split('*')
            .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
            .join('.*')}$`,
        ).test(key),
      );
    const config = configFrom({ feeds: { limit: 2 } }, 'test');
    const editorials = ['a', 'b', 'c', 'd', 'e'].map((x, n) =>
      makeEditorial({
        slug: `2026-06-0${n + 1}-${x}`,
        topics: ['economy', 'Україна'],
        published: new Date(Date.UTC(2026, 5, n + 1)),
      }),
    );
    const keys = buildCatalogue(editorials, config, new Date('2026-06-10T00:00:00Z')).files.map((f) => f.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'index.html',
        'archive/1/index.html',
        'topics/україна/feeds/archive/1/atom.xml',
        'sitemap.xml',
        'robots.txt',
      ]),
    );
    for (const key of [...keys, 'editorials/2026-06-01-a/index.html', 'editorials/2026-06-01-a/ninjs.json'])
      expect(granted(key), key).toBe(true);
  });

  it('parks failed S3 events in a queue rather than dropping them', () => {
    pipeline.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: functionId('PublishPublisher') },
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FailedEvents'), 'Arn'] } },
      },
    });
  });

  it('runs the publish function every 5 minutes to release embargoed editorials', () => {
    pipeline.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionId('PublishPublisher'), 'Arn'] } })],
    });
  });
});

describe('dispatch stage', () => {
  it('parks a message in the dead-letter queue after 5 receives; both queues encrypted and TLS only', () => {
    const queues = resourcesOf(pipelineJson, 'AWS::SQS::Queue');
    const main = queues.find(([id]) => id.startsWith('DispatchQueue'))!;
    const dlq = queues.find(([id]) => id.startsWith('DispatchDeadLetters'))!;
    expect(main[1].Properties!.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlq[0], 'Arn'] },
      maxReceiveCount: 5,
    });
    expect(dlq[1].Properties!.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    for (const [id, q] of queues) expect(q.Properties!.SqsManagedSseEnabled, id).toBe(true);
    for (const [id] of queues) {
      pipeline.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('feeds the worker one shard at a time and reports partial batch failures', () => {
    pipeline.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId('DispatchWorker') },
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DispatchQueue'), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 1,
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it('keeps the account send rate: reserved concurrency = WORKER_CONCURRENCY, visibility ≥ 6 × timeout', () => {
    const worker = pipelineJson.Resources[functionId('DispatchWorker')]!.Properties!;
    const variables = (worker.Environment as { Variables: Json }).Variables;
    expect(worker.ReservedConcurrentExecutions).toBe(2);
    expect(variables.WORKER_CONCURRENCY).toBe('2');
    expect(variables.SEND_RATE_PER_SECOND).toBe('14');
    expect(variables.SHARD_SIZE).toBe('500');
    // A shard of 500 at 14 / 2 = 7 messages per second per worker takes 72 s; the timeout leaves room for it.
    expect(worker.Timeout as number).toBeGreaterThan(72);
    const queue = resourcesOf(pipelineJson, 'AWS::SQS::Queue').find(([id]) => id.startsWith('DispatchQueue'))![1]
      .Properties!;
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * (worker.Timeout as number));
  });

  it('follows the context: sendRate, workerConcurrency and shardSize', () => {
    const other = synth({ context: { sendRate: '100', workerConcurrency: '10', shardSize: '250' }, nag: false });
    const t = other.assembly.getStackByName('BroadsheetPipeline').template as { Resources: Record<string, Resource> };
    const [, worker] = resourcesOf(t, 'AWS::Lambda::Function').find(([id]) => id.startsWith('DispatchWorker'))!;
    expect(worker.Properties!.ReservedConcurrentExecutions).toBe(10);
    expect((worker.Properties!.Environment as { Variables: Json }).Variables).toMatchObject({
      SEND_RATE_PER_SECOND: '100',
      WORKER_CONCURRENCY: '10',
      SHARD_SIZE: '250',
    });
    Template.fromJSON(t).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 10 },
    });
  });
});

describe('confirmation sender', () => {
  it("takes the subscribe and confirm functions' queue, with a dead-letter queue and partial batch failures; only they send to it", () => {
    const queues = resourcesOf(pipelineJson, 'AWS::SQS::Queue');
    const main = queues.find(([id]) => id.startsWith('SubscribersQueue'))!;
    const dlq = queues.find(([id]) => id.startsWith('SubscribersDeadLetters'))!;
    expect(main[1].Properties!.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlq[0], 'Arn'] },
      maxReceiveCount: 5,
    });
    pipeline.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId('SubscribersConfirmationSender') },
      EventSourceArn: { 'Fn::GetAtt': [main[0], 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const senders = broadsheetFunctions()
      .filter(([id]) =>
        statementsOfFunction(id).some(
          (s) => asArray(s.Action).includes('sqs:SendMessage') && json(s.Resource).includes('SubscribersQueue'),
        ),
      )
      .map(([id]) => id);
    expect(senders.sort()).toEqual(
      [functionId('SubscribersConfirmFunction'), functionId('SubscribersSubscribeFunction')].sort(),
    );
    const subscribe = pipelineJson.Resources[functionId('SubscribersSubscribeFunction')]!.Properties!;
    expect((subscribe.Environment as { Variables: Json }).Variables.CONFIRMATION_QUEUE_URL).toEqual({ Ref: main[0] });
    // A flood of form posts takes at most this much of the account's concurrency.
    expect(subscribe.ReservedConcurrentExecutions).toBe(10);
    pipeline.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq[0], 'QueueName'] } }],
    });
  });

  it('lets rate and mailbox counters expire from the subscribers table, and what names a reader from the ledger', () => {
    const tables = data.findResources('AWS::DynamoDB::Table');
    const ttl = Object.values(tables).map(
      (t) =>
        (t as { Properties: { KeySchema: { AttributeName: string }[]; TimeToLiveSpecification?: unknown } }).Properties,
    );
    expect(ttl).toHaveLength(2);
    for (const table of ttl)
      expect(table.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  });
});

describe('a rotated signing key', () => {
  it('hands every function the key set by TOKEN_KEYS_ARN and keeps the token secret as the subscriber-id key', async () => {
    const keysArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:broadsheet-token-keys-AbCdEf';
    const rotated = synth({ context: { tokenKeysSecretArn: keysArn }, nag: false });
    const template = rotated.assembly.getStackByName(rotated.stacks.pipeline.stackName).template as {
      Resources: Record<string, Resource>;
    };
    const functions = Object.entries(template.Resources).filter(
      ([id, r]) =>
        r.Type === 'AWS::Lambda::Function' &&
        (r.Properties?.Environment as Json | undefined) &&
        id.includes('Function'),
    );
    expect(functions.length).toBeGreaterThan(5);
    const keySet = JSON.stringify({
      current: '2026-12',
      keys: { '0': 'k'.repeat(64), '2026-12': 'n'.repeat(64) },
      retiring: { '0': '2027-01-31T00:00:00Z' },
    });
    for (const [id, fn] of functions) {
      const variables = (fn.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
      if (!variables.TOKEN_SECRET_ARN) continue;
      expect(variables.TOKEN_KEYS_ARN, id).toBe(keysArn);
      expect(variables.SUBSCRIBER_ID_KEY_ARN, id).toEqual(variables.TOKEN_SECRET_ARN);
      const env = Object.fromEntries(
        Object.entries(variables).map(([k, v]) => [k, typeof v === 'string' ? v : `deployed-${k}`]),
      );
      const runtime = await loadRuntimeConfig(env, async (secretId) =>
        secretId === keysArn ? keySet : 'k'.repeat(64),
      );
      expect(runtime.tokenKeys?.current, id).toBe('2026-12');
      expect(runtime.tokenKeys?.idKey, id).toBe('k'.repeat(64));
    }
    const grants = JSON.stringify(Object.values(template.Resources).filter((r) => r.Type === 'AWS::IAM::Policy'));
    expect(grants).toContain(keysArn);
  });
});

describe('partner webhook stage', () => {
  it('parks a delivery in its dead-letter queue after 5 receives, retried after 6 × the worker timeout, with an alarm', () => {
    const queues = resourcesOf(pipelineJson, 'AWS::SQS::Queue');
    const main = queues.find(([id]) => id.startsWith('PartnerWebhooksQueue'))!;
    const dlq = queues.find(([id]) => id.startsWith('PartnerWebhooksDeadLetters'))!;
    expect(main[1].Properties!.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlq[0], 'Arn'] },
      maxReceiveCount: 5,
    });
    expect(dlq[1].Properties!.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    const worker = pipelineJson.Resources[functionId('PartnerWebhooksWorker')]!.Properties!;
    expect(main[1].Properties!.VisibilityTimeout).toBeGreaterThanOrEqual(6 * (worker.Timeout as number));
    pipeline.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq[0], 'QueueName'] } }],
      Threshold: 1,
    });
  });

  it('feeds the worker batches and reports partial batch failures; only publish may send to the queue', () => {
    pipeline.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId('PartnerWebhooksWorker') },
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PartnerWebhooksQueue'), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const senders = broadsheetFunctions()
      .filter(([id]) =>
        statementsOfFunction(id).some(
          (s) => asArray(s.Action).includes('sqs:SendMessage') && json(s.Resource).includes('PartnerWebhooksQueue'),
        ),
      )
      .map(([id]) => id);
    expect(senders).toEqual([functionId('PublishPublisher')]);
    const publish = pipelineJson.Resources[functionId('PublishPublisher')]!.Properties!;
    expect((publish.Environment as { Variables: Json }).Variables.WEBHOOK_QUEUE_URL).toEqual({
      Ref: expect.stringMatching(/^PartnerWebhooksQueue/),
    });
  });

  it('gives the worker no bucket or mail access, and only puts its own delivery records into the ledger', () => {
    const statements = statementsOfFunction('PartnerWebhooksWorker');
    expect(actionsOf(statements).filter((a) => /^(s3|dynamodb|ses):/.test(a))).toEqual(['dynamodb:PutItem']);
    const put = statements.find((s) => asArray(s.Action).includes('dynamodb:PutItem'))!;
    expect(json(put.Condition)).toContain('webhook#*');
    const worker = pipelineJson.Resources[functionId('PartnerWebhooksWorker')]!.Properties!;
    expect((worker.Environment as { Variables: Json }).Variables.WEBHOOK_MAX_RECEIVE_COUNT).toBe('5');
  });
});

describe('subscriber stage', () => {
  it('serves subscribe, confirm and unsubscribe from Function URLs that only this distribution may call', () => {
    const urls = resourcesOf(pipelineJson, 'AWS::Lambda::Url');
    expect(urls).toHaveLength(3);
    const distribution = resourcesOf(pipelineJson, 'AWS::CloudFront::Distribution')[0]![0];
    for (const route of ['Subscribe', 'Confirm', 'Unsubscribe']) {
      const fn = functionIdExactly(`Subscribers${route}`);
      pipeline.hasResourceProperties('AWS::Lambda::Url', {
        AuthType: 'AWS_IAM',
        TargetFunctionArn: { 'Fn::GetAtt': [fn, 'Arn'] },
      });
      // Calling a URL needs both actions; each is granted to CloudFront, for this distribution alone, and to nobody else.
      const url = urls.find(
        ([, u]) => json(u.Properties!.TargetFunctionArn) === json({ 'Fn::GetAtt': [fn, 'Arn'] }),
      )![0];
      const permissions = resourcesOf(pipelineJson, 'AWS::Lambda::Permission').filter(([, p]) => {
        const target = json(p.Properties!.FunctionName);
        return target.includes(`"${url}"`) || target.includes(`"${fn}"`);
      });
      expect(permissions.map(([, p]) => p.Properties!.Action).sort(), route).toEqual([
        'lambda:InvokeFunction',
        'lambda:InvokeFunctionUrl',
      ]);
      for (const [, p] of permissions) {
        expect(p.Properties!.Principal).toBe('cloudfront.amazonaws.com');
        expect(p.Properties!.FunctionUrlAuthType).toBeUndefined();
        expect(json(p.Properties!.SourceArn)).toContain(json({ Ref: distribution }));
      }
    }
  });

  it('queues feedback (the events of this configuration set only) for ses-events', () => {
    pipeline.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ses'],
        'detail-type': [
          'Email Delivered',
          'Email Bounced',
          'Email Complaint Received',
          'Email Rejected',
          'Email Delivery Delayed',
        ],
        detail: { mail: { tags: { 'ses:configuration-set': [Match.anyValue()] } } },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FeedbackQueue'), 'Arn'] },
          DeadLetterConfig: Match.anyValue(),
        }),
      ],
    });
    pipeline.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId('FeedbackSesEvents') },
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FeedbackQueue'), 'Arn'] },
    });
  });
});

describe('every function', () => {
  it('runs Node.js 22 or newer on arm64 with JSON logs into its own log group with retention', () => {
    const fns = broadsheetFunctions();
    expect(fns.length).toBeGreaterThanOrEqual(6);
    for (const [id, fn] of fns) {
      const p = fn.Properties!;
      expect(Number(/^nodejs(\d+)\.x$/.exec(String(p.Runtime))?.[1]), id).toBeGreaterThanOrEqual(22);
      expect(p.Architectures, id).toEqual(['arm64']);
      expect(p.Handler, id).toBe('index.handler');
      expect(p.LoggingConfig, id).toMatchObject({
        LogFormat: 'JSON',
        LogGroup: { Ref: expect.stringMatching(/Logs/) },
      });
      const logGroup = pipelineJson.Resources[(p.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref]!;
      expect(logGroup.Properties!.RetentionInDays, id).toBe(30);
    }
  });

  it('gets exactly the environment readRuntimeConfig() reads, the token key only by ARN, and the secrets extension', () => {
    for (const [id, fn] of broadsheetFunctions()) {
      const variables = (fn.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
      // Deploy-time values (bucket names, queue URL) stand in as strings; the token comes from the extension.
      const env = Object.fromEntries(
        Object.entries(variables).map(([k, v]) => [
          k,
          typeof v === 'string' ? v : k === 'DISPATCH_QUEUE_URL' ? 'https://sqs.example/q' : `deployed-${k}`,
        ]),
      );
      const runtime = readRuntimeConfig({ ...env, TOKEN_SECRET: 'x'.repeat(40) });
      expect(runtime.publication, id).toEqual(app.settings.publication);
      expect(runtime.configurationSet, id).toBe('deployed-CONFIGURATION_SET');
      // The publish function and the webhook worker sign and check no link: they get no token key at all.
      if (readsPartnerKey(id)) {
        expect(variables.TOKEN_SECRET_ARN, id).toBeUndefined();
        expect(variables.NO_TOKEN_KEYS, id).toBe('true');
        expect(runtime.tokenSecret, id).toBe('');
      } else {
        expect(variables.TOKEN_SECRET_ARN, id).toEqual({ 'Fn::ImportValue': expect.stringMatching(/TokenSecret/) });
      }
      expect(variables.NODE_OPTIONS, id).toBe('--enable-source-maps');
      expect(json(fn.Properties!.Layers), id).toContain('Paramsandsecrets');
      expect(json(variables).length, `${id}: Lambda allows 4 KB of environment`).toBeLessThan(4096);
    }
  });

  it('hands the runtime the token key by TOKEN_SECRET_ARN, read through the extension on its port', async () => {
    for (const [id, fn] of broadsheetFunctions()) {
      const variables = (fn.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
      const env = Object.fromEntries(
        Object.entries(variables).map(([k, v]) => [k, typeof v === 'string' ? v : `deployed-${k}`]),
      );
      const asked: string[] = [];
      const runtime = await loadRuntimeConfig(env, async (secretId, fnEnv) => {
        asked.push(secretId);
        expect(fnEnv?.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT, id).toBe('2773');
        return 'k'.repeat(64);
      });
      // The publish function and the webhook worker read the partner key alone, by its own ARN; the others the token key.
      const own =
        ownSecret(id) === 'PartnerSecret'
          ? 'deployed-BROADSHEET_PARTNER_SECRET_ARN'
          : 'deployed-BROADSHEET_WEBHOOK_SECRET_ARN';
      expect(asked, id).toEqual(readsPartnerKey(id) ? [own] : ['deployed-TOKEN_SECRET_ARN']);
      expect(runtime.tokenSecret, id).toBe(readsPartnerKey(id) ? '' : 'k'.repeat(64));
    }
  });

  it('may read the token key (GetSecretValue on that one secret) and write only its own logs', () => {
    for (const [id, fn] of broadsheetFunctions()) {
      const role = (fn.Properties!.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const mine = identityStatements().filter((s) => s.roles.includes(role));
      const secret = mine.filter((s) => asArray(s.statement.Action).some((a) => a.startsWith('secretsmanager:')));
      const partnerKey = readsPartnerKey(id);
      expect(
        secret.map((s) => s.statement.Action),
        id,
      ).toEqual(['secretsmanager:GetSecretValue']);
      // The publish function and the webhook worker may read the partner key and nothing else; the others the token key.
      const secrets = secret
        .flatMap((s) => asArray(s.statement.Resource))
        .map((r) => /TokenSecret|PartnerSecret|WebhookSecret/.exec(String((r as Json)['Fn::ImportValue']))?.[0]);
      expect(secrets.sort(), id).toEqual(partnerKey ? [ownSecret(id)] : ['TokenSecret']);
      const logs = mine.filter((s) => asArray(s.statement.Action).some((a) => a.startsWith('logs:')));
      expect(
        logs.map((s) => s.statement.Resource),
        id,
      ).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/Logs/), 'Arn'] }]);
      expect(pipelineJson.Resources[role]!.Properties!.ManagedPolicyArns, id).toBeUndefined();
    }
  });
});

describe('least privilege', () => {
  it('has no wildcard action and no "*" resource in any identity policy', () => {
    const statements = identityStatements();
    expect(statements.length).toBeGreaterThan(20);
    for (const { policy, statement } of statements) {
      for (const action of asArray(statement.Action)) {
        expect(action, policy).not.toBe('*');
        expect(action, policy).not.toMatch(/:\*$/);
      }
      for (const resource of asArray(statement.Resource))
        expect(resource, `${policy} ${json(statement.Action)}`).not.toBe('*');
    }
  });

  it('allows only AWS services, each for one source, in bucket, queue and topic policies', () => {
    const policies = all().filter(([, r]) =>
      ['AWS::S3::BucketPolicy', 'AWS::SQS::QueuePolicy', 'AWS::SNS::TopicPolicy'].includes(r.Type),
    );
    expect(policies.length).toBeGreaterThan(3);
    for (const [id, r] of policies) {
      for (const statement of (r.Properties!.PolicyDocument as { Statement: Statement[] }).Statement) {
        if (statement.Effect !== 'Allow') continue;
        expect(Object.keys(statement.Principal as Json), id).toEqual(['Service']);
        expect(json(statement.Condition), id).toMatch(/SourceArn|SourceAccount/);
      }
    }
  });

  it('scopes every S3 write to a key prefix or one named key, never a whole bucket', () => {
    for (const { policy, statement } of identityStatements()) {
      if (!asArray(statement.Action).some((a) => /^s3:(Put|Delete)Object/.test(a))) continue;
      for (const resource of asArray(statement.Resource))
        expect(json(resource), policy).toMatch(/"\/(?:[a-z-]+\/\*|[a-z-]+\.[a-z]+)"/);
    }
  });

  it('lets only the worker and the confirmation sender send mail, from the identity with the configuration set', () => {
    // The subscribe function only writes and queues: what it answers never waits for SES.
    const senders = ['DispatchWorker', 'SubscribersConfirmationSender'];
    for (const [id] of broadsheetFunctions()) {
      const prefix = senders.find((p) => id.startsWith(p));
      const ses = statementsOfFunction(id).filter((s) => actionsOf([s]).some((a) => a.startsWith('ses:')));
      if (!prefix) {
        expect(ses, id).toEqual([]);
        continue;
      }
      expect(actionsOf(ses), id).toEqual(['ses:SendEmail']);
      const resources = json(ses[0]!.Resource);
      expect(resources).toContain(':configuration-set/');
      expect(resources).toContain(':identity/');
      expect(asArray(ses[0]!.Resource)).toHaveLength(2);
    }
  });

  it('gives the dispatch worker no bucket access: the planner, which may read rendered/, hands it the template', () => {
    expect(actionsOf(statementsOfFunction('DispatchWorker')).filter((a) => a.startsWith('s3:'))).toEqual([]);
    const reads = statementsOfFunction('PublishPublisher').filter((s) => asArray(s.Action).includes('s3:GetObject'));
    expect(json(reads)).toContain('/rendered/*');
  });

  it('gives each handler only the table calls it makes', () => {
    const dynamo = (prefix: string) =>
      actionsOf(statementsOfFunction(prefix))
        .filter((a) => a.startsWith('dynamodb:'))
        .sort();
    expect(dynamo('PublishPublisher')).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:Scan',
      'dynamodb:UpdateItem',
    ]);
    // The worker reads its shard's addresses and statuses from the subscribers table at send time, and nothing else there.
    const workerOn = (table: string) =>
      actionsOf(statementsOfFunction('DispatchWorker').filter((s) => json(s.Resource).includes(table)))
        .filter((a) => a.startsWith('dynamodb:'))
        .sort();
    expect(workerOn('TablesLedger')).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(workerOn('TablesSubscribers')).toEqual(['dynamodb:BatchGetItem']);
    expect(dynamo('DispatchWorker')).toHaveLength(7);
    // What each subscriber flow asks of the table: only subscribe creates (subscribers, rate windows), only the
    // preference page (the unsubscribe function) erases, confirm only changes a pending subscriber.
    const route = (name: string) => dynamo(functionIdExactly(`Subscribers${name}`));
    expect(route('Subscribe')).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(route('Confirm')).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    expect(route('Unsubscribe')).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem']);
    // ses-events changes subscribers (suppressions, soft bounces) and counts each dispatch's figures in the ledger.
    const onTable = (prefix: string, table: string) =>
      actionsOf(statementsOfFunction(prefix).filter((s) => json(s.Resource).includes(table)))
        .filter((a) => a.startsWith('dynamodb:'))
        .sort();
    expect(onTable('FeedbackSesEvents', 'TablesSubscribers')).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    expect(onTable('FeedbackSesEvents', 'TablesLedger')).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(dynamo('FeedbackSesEvents')).toHaveLength(7);
  });
});

describe('site distribution', () => {
  const config = () => pipeline.findResources('AWS::CloudFront::Distribution');
  const distribution = () => (Object.values(config())[0] as Resource).Properties!.DistributionConfig as Json;
  const behaviour = (path: string) =>
    (distribution().CacheBehaviors as Json[]).find((b) => b.PathPattern === path) ??
    expect.fail(`no behaviour for ${path}`);

  it('reads the site bucket through origin access control, compressed, HTTPS only', () => {
    // One for the site bucket, one that signs every request to the Function URLs.
    pipeline.resourceCountIs('AWS::CloudFront::OriginAccessControl', 2);
    pipeline.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: {
        OriginAccessControlOriginType: 'lambda',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      },
    });
    const origins = distribution().Origins as Json[];
    const s3Origin = origins.find((o) => o.S3OriginConfig)!;
    expect(s3Origin.OriginAccessControlId).toBeDefined();
    const defaults = distribution().DefaultCacheBehavior as Json;
    expect(defaults).toMatchObject({ Compress: true, ViewerProtocolPolicy: 'redirect-to-https' });
  });

  it("logs every request without the query string, referrer or cookie that carry readers' tokens", () => {
    // The legacy log cannot leave out the query string: it is off, and standard logging (v2) is made in us-east-1.
    expect(distribution().Logging).toBeUndefined();
    const calls = resourcesOf(pipelineJson, 'Custom::AWS').map(([, r]) => json(r.Properties!.Create));
    const delivery = calls.find((c) => c.includes('createDelivery')) ?? expect.fail('no createDelivery call');
    expect(delivery).toContain('us-east-1');
    for (const field of ['cs-uri-stem', 'c-ip', 'sc-status', 'x-edge-request-id'])
      expect(delivery).toContain(`${field}`);
    for (const field of WITHHELD_ACCESS_LOG_FIELDS) expect(delivery).not.toContain(field);
    const source = calls.find((c) => c.includes('putDeliverySource')) ?? expect.fail('no putDeliverySource call');
    expect(source).toContain('ACCESS_LOGS');
    expect(source).toContain('us-east-1');
    // The access-log bucket lets the delivery service write under cloudfront/ only, for this account's sources.
    const logStatement =
      resourcesOf(dataJson, 'AWS::S3::BucketPolicy')
        .flatMap(([, r]) => (r.Properties!.PolicyDocument as { Statement: Statement[] }).Statement)
        .find((st) => json(st.Principal).includes('delivery.logs.amazonaws.com')) ??
      expect.fail('no delivery statement');
    expect(json(logStatement.Resource)).toContain('/cloudfront/*');
    expect(json(logStatement.Condition)).toContain(':logs:us-east-1:');
  });

  it('caches feeds briefly and pages longer; partners get ninjs with CORS', () => {
    const policies = pipeline.findResources('AWS::CloudFront::CachePolicy');
    const ttl = (ref: unknown) => {
      const id = (ref as { Ref: string }).Ref;
      return (policies[id] as Resource).Properties!.CachePolicyConfig as Json;
    };
    const feeds = ttl(behaviour('/feeds/*').CachePolicyId);
    const pages = ttl(behaviour('/editorials/*').CachePolicyId);
    expect(feeds.DefaultTTL).toBe(60);
    expect(pages.DefaultTTL).toBe(300);
    expect(feeds.MaxTTL as number).toBeLessThan(pages.MaxTTL as number);
    for (const p of [feeds, pages]) {
      expect(p.ParametersInCacheKeyAndForwardedToOrigin).toMatchObject({
        EnableAcceptEncodingGzip: true,
        EnableAcceptEncodingBrotli: true,
      });
    }
    expect(behaviour('/editorials/*/ninjs.json')).toMatchObject({
      Compress: true,
      CachePolicyId: behaviour('/editorials/*').CachePolicyId,
    });
    const paths = (distribution().CacheBehaviors as Json[]).map((b) => b.PathPattern);
    expect(paths.indexOf('/editorials/*/ninjs.json')).toBeLessThan(paths.indexOf('/editorials/*'));
  });

  it('routes /subscribe, /confirm and /unsubscribe uncached, with every method and the query string', () => {
    const origins = distribution().Origins as Json[];
    for (const route of ['subscribe', 'confirm', 'unsubscribe']) {
      const b = behaviour(`/${route}`);
      expect(b).toMatchObject({
        CachePolicyId: CACHING_DISABLED,
        OriginRequestPolicyId: { Ref: expect.stringMatching(/^SiteSubscriberRequests/) },
      });
      // Form posts get the SHA-256 of their body from the edge function before CloudFront signs them.
      expect(b.LambdaFunctionAssociations).toEqual([
        { EventType: 'origin-request', IncludeBody: true, LambdaFunctionARN: expect.anything() },
      ]);
      expect(b.AllowedMethods).toEqual(
        expect.arrayContaining(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']),
      );
      const origin = origins.find((o) => o.Id === b.TargetOriginId)!;
      const fnUrl = resourcesOf(pipelineJson, 'AWS::Lambda::Url').find(([, u]) =>
        json(u.Properties!.TargetFunctionArn).includes(
          functionId(`Subscribers${route[0]!.toUpperCase()}${route.slice(1)}`),
        ),
      )![0];
      expect(json(origin.DomainName)).toContain(fnUrl);
      expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only' });
      expect(origin.OriginAccessControlId).toBeDefined();
    }
  });

  it('serves /editorials/<slug>/ from its index.html', () => {
    const [[, fn]] = resourcesOf(pipelineJson, 'AWS::CloudFront::Function') as [[string, Resource]];
    const code = String(fn.Properties!.FunctionCode);
    const handler = new Function(`${code}; return handler;`)() as (e: { request: { uri: string } }) => { uri: string };
    expect(handler({ request: { uri: '/editorials/a-slug/' } }).uri).toBe('/editorials/a-slug/index.html');
    expect(handler({ request: { uri: '/editorials/a-slug/ninjs.json' } }).uri).toBe('/editorials/a-slug/ninjs.json');
    expect(json(behaviour('/editorials/*').FunctionAssociations)).toContain('viewer-request');
  });

  it('answers on the domain with TLS 1.2 when given a certificate', () => {
    const withCert = synth({
      context: {
        certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-aaaa-bbbb-cccc-1234567890ab',
      },
      nag: false,
    });
    const t = Template.fromJSON(withCert.assembly.getStackByName('BroadsheetPipeline').template);
    t.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        Aliases: ['monexus.example'],
        ViewerCertificate: { MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
      },
    });
  });
});

describe('operations', () => {
  const alarms = () => Object.values(pipeline.findResources('AWS::CloudWatch::Alarm')) as Resource[];

  it('alarms on any dead letter', () => {
    for (const queue of ['DispatchDeadLetters', 'FailedEvents']) {
      const alarm = alarms().find((a) => json(a.Properties!.Dimensions).includes(queue));
      expect(alarm?.Properties, queue).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  it('alarms on errors and throttles of every handler', () => {
    for (const [id] of broadsheetFunctions()) {
      for (const metric of ['Errors', 'Throttles']) {
        const found = alarms().some(
          (a) => a.Properties!.MetricName === metric && json(a.Properties!.Dimensions).includes(id),
        );
        expect(found, `${metric} of ${id}`).toBe(true);
      }
    }
  });

  it('alarms at SES review thresholds: bounce rate 5 %, complaint rate 0.1 %', () => {
    pipeline.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SES',
      MetricName: 'Reputation.BounceRate',
      Threshold: 0.05,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    pipeline.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SES',
      MetricName: 'Reputation.ComplaintRate',
      Threshold: 0.001,
    });
    pipeline.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it("alarms when a partner has not fetched a kill an hour after it, from the publish function's metric", () => {
    pipeline.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Broadsheet',
      MetricName: 'PartnersWithUnseenKills',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId('PublishPublisher') } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    // Its scheduled run reads the distribution's standard logs, and nothing else of the access-log bucket.
    const publish = pipelineJson.Resources[functionId('PublishPublisher')]!.Properties!;
    expect(Object.keys((publish.Environment as { Variables: Json }).Variables)).toEqual(
      expect.arrayContaining(['ACCESS_LOG_BUCKET', 'DISTRIBUTION_ID']),
    );
    const reads = statementsOfFunction('PublishPublisher').filter((s) => json(s.Resource).includes('AccessLogsBucket'));
    expect(reads.flatMap((s) => asArray(s.Action)).sort()).toEqual(['s3:GetObject', 's3:ListBucket']);
    for (const s of reads) expect(json(s.Resource) + json(s.Condition)).toContain('cloudfront/*');
  });

  it('emails alarms only when alarmEmail is given, through a TLS-only topic', () => {
    pipeline.resourceCountIs('AWS::SNS::Topic', 0);
    const withEmail = synth({ context: { alarmEmail: 'ops@monexus.example' }, nag: false });
    const t = Template.fromJSON(withEmail.assembly.getStackByName('BroadsheetPipeline').template);
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@monexus.example' });
    const topic = Object.keys(t.findResources('AWS::SNS::Topic'))[0]!;
    const withAction = Object.values(t.findResources('AWS::CloudWatch::Alarm')).filter((a) =>
      json((a as Resource).Properties!.AlarmActions).includes(topic),
    );
    expect(withAction.length).toBe(Object.keys(t.findResources('AWS::CloudWatch::Alarm')).length);
    t.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('settings from context', () => {
  const context = (values: Record<string, unknown>) => (key: string) => values[key];

  it('describes the sample publication by default', () => {
    const s = readSettings(context({}));
    expect(s).toMatchObject({
      domain: 'monexus.example',
      sender: 'desk@monexus.example',
      siteUrl: 'https://monexus.example',
      sendRate: 14,
      workerConcurrency: 2,
      shardSize: 500,
    });
    expect(s.publication.unsubscribe.url).toBe('https://monexus.example/unsubscribe');
  });

  it('applies a domain to the site, the sender check and the unsubscribe URL', () => {
    const s = readSettings(
      context({ domain: 'news.example.org', sender: 'desk@mail.news.example.org', sendRate: '200' }),
    );
    expect(s.publication.publication.siteUrl).toBe('https://news.example.org');
    expect(s.publication.sender.address).toBe('desk@mail.news.example.org');
    expect(s.publication.unsubscribe.url).toBe('https://news.example.org/unsubscribe');
    expect(s.sendRate).toBe(200);
  });

  it('refuses settings that could not work, saying why', () => {
    expect(() => readSettings(context({ domain: 'news.example.org' }))).toThrow(
      /sender "desk@monexus.example" must be an address on news.example.org/,
    );
    expect(() => readSettings(context({ sendRate: 'fast' }))).toThrow(SettingsError);
    expect(() => readSettings(context({ shardSize: 10_000, sendRate: 1, workerConcurrency: 1 }))).toThrow(
      /smaller shardSize/,
    );
    expect(() => readSettings(context({ logRetentionDays: 31 }))).toThrow(/retention periods/);
    // The functions take the configuration as the stack writes it: a sender name that would break a header is
    // refused at synth.
    expect(() => readSettings(context({ senderName: 'Desk\nBcc: all@example.org' }))).toThrow(/sender\.name/);
    expect(() =>
      readSettings(context({ certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' })),
    ).toThrow(/us-east-1/);
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('has no finding left in the validation report', () => {
    const report = JSON.parse(readFileSync(join(app.assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; violations: { ruleName: string }[] }[];
    };
    const findings = report.pluginReports.flatMap((p) => p.violations.map((v) => `${p.pluginName} ${v.ruleName}`));
    expect(findings).toEqual([]);
  });

  it('has a written reason for every acknowledgement', () => {
    const acknowledged: { path: string; id: string; reason: string }[] = [];
    for (const node of app.app.node.findAll()) {
      for (const entry of node.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>))
          acknowledged.push({ path: node.node.path, id, reason });
      }
    }
    expect(acknowledged.length).toBeGreaterThan(5);
    for (const a of acknowledged) expect(a.reason.length, `${a.path} ${a.id}`).toBeGreaterThan(40);
  });

  it('fails synthesis on a new unacknowledged finding', () => {
    expect(() =>
      synthesizeBroadsheet({
        extend: ({ pipeline: stack }) => {
          const role = new iam.Role(stack, 'Careless', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
          role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));
        },
      }),
    ).toThrow(/AwsSolutions-IAM5\[Action::s3:\*\]/);
  });
});
