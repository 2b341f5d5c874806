// What Gmail and Yahoo (since 2024) and Microsoft (since May 2025) require of bulk senders beyond DKIM: SPF aligned
// through a custom MAIL FROM domain, and a DMARC record; the records printed as outputs or created in Route 53; and
// the SES events and metrics each dispatch's figures, dashboard and auto-pause alarm are made from.
import { rmSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { withoutAwsCredentials } from '../helpers/no-aws-credentials.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedbackStage } from '../../infra/constructs/feedback-stage.ts';
import { AUTO_PAUSE_MESSAGE, Operations } from '../../infra/constructs/operations.ts';
import { DataStack, type DataStackProps } from '../../infra/data-stack.ts';
import { readSettings, SettingsError } from '../../infra/settings.ts';
import { synthesizeBroadsheet, type Synthesised } from '../../infra/synth.ts';
import { DESK_OUTPUTS } from '../../src/app/desk-runtime.ts';
import { MAIL_DNS_OUTPUTS, parseRecordLine } from '../../src/app/mail-dns.ts';
import { createLogger } from '../../src/log.ts';

type Json = Record<string, unknown>;
type Resource = { Type: string; Properties?: Json };
type Output = { Value: unknown; Description?: string };
type StackJson = { Resources: Record<string, Resource>; Outputs?: Record<string, Output> };

const json = (value: unknown) => JSON.stringify(value);
const resourcesOf = (template: StackJson, type: string) =>
  Object.entries(template.Resources).filter(([, r]) => r.Type === type);

const synths: Synthesised[] = [];
let app: Synthesised;
let data: StackJson;
let pipeline: StackJson;

let restoreCredentials: () => void = () => {};
beforeAll(() => {
  restoreCredentials = withoutAwsCredentials();
  // Without cdk-nag: the app's rules run in test/integration/infra.test.ts, and for the zoned variant below.
  app = synthesizeBroadsheet({ nag: false });
  synths.push(app);
  data = app.assembly.getStackByName('BroadsheetData').template as StackJson;
  pipeline = app.assembly.getStackByName('BroadsheetPipeline').template as StackJson;
});
afterAll(() => {
  restoreCredentials();
  for (const s of synths) rmSync(s.assembly.directory, { recursive: true, force: true });
});

/** An app for one construct: no bundling, and no built-in CloudFormation validation (slow, and the app's tests run it). */
const bareApp = () => new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });

/** The data stack alone, with these mail props: no pipeline, no nag (the app's tests run it). */
function bareData(mail: DataStackProps['mail'], domain = 'monexus.example'): StackJson {
  const stack = new DataStack(bareApp(), 'Data', { domain, ...(mail && { mail }) });
  return Template.fromStack(stack).toJSON() as StackJson;
}

const outputValue = (template: StackJson, key: string) => template.Outputs?.[key]?.Value;

describe('MAIL FROM, SPF and DMARC', () => {
  it('sends with the custom MAIL FROM domain bounce.<domain>, and SES’s own while its MX is missing', () => {
    Template.fromJSON(data).hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'monexus.example',
      MailFromAttributes: { MailFromDomain: 'bounce.monexus.example', BehaviorOnMxFailure: 'USE_DEFAULT_VALUE' },
    });
  });

  it('prints every record the domain needs as an output under a fixed key, saying what to do with it', () => {
    expect(outputValue(data, MAIL_DNS_OUTPUTS.mailFromDomain)).toBe('bounce.monexus.example');
    // The MX host is in the stack's region, known at deploy time.
    expect(outputValue(data, MAIL_DNS_OUTPUTS.mailFromMx)).toEqual({
      'Fn::Join': ['', ['bounce.monexus.example MX 10 feedback-smtp.', { Ref: 'AWS::Region' }, '.amazonses.com']],
    });
    expect(outputValue(data, MAIL_DNS_OUTPUTS.mailFromSpf)).toBe(
      'bounce.monexus.example TXT "v=spf1 include:amazonses.com ~all"',
    );
    expect(outputValue(data, MAIL_DNS_OUTPUTS.dmarc)).toBe('_dmarc.monexus.example TXT "v=DMARC1; p=none"');
    for (const key of MAIL_DNS_OUTPUTS.dkim) expect(json(outputValue(data, key)), key).toContain(' CNAME ');
    for (const key of [
      ...MAIL_DNS_OUTPUTS.dkim,
      MAIL_DNS_OUTPUTS.mailFromMx,
      MAIL_DNS_OUTPUTS.mailFromSpf,
      MAIL_DNS_OUTPUTS.dmarc,
    ]) {
      expect(data.Outputs?.[key]?.Description, key).toMatch(/add this record to monexus\.example's DNS/);
    }
    expect(parseRecordLine(outputValue(data, MAIL_DNS_OUTPUTS.dmarc) as string)).toEqual({
      name: '_dmarc.monexus.example',
      type: 'TXT',
      value: '"v=DMARC1; p=none"',
    });
    // Without a hosted zone nothing goes to Route 53.
    expect(Object.values(data.Resources).filter((r) => r.Type.startsWith('AWS::Route53::'))).toEqual([]);
  });

  it('exports the names the desk commands read', () => {
    expect(outputValue(data, DESK_OUTPUTS.data.subscribersTable)).toEqual({
      Ref: expect.stringMatching(/^TablesSubscribers/),
    });
    expect(outputValue(data, DESK_OUTPUTS.data.ledgerTable)).toEqual({ Ref: expect.stringMatching(/^TablesLedger/) });
    for (const key of Object.values(DESK_OUTPUTS.data)) expect(data.Outputs, key).toHaveProperty(key);
    expect(outputValue(pipeline, DESK_OUTPUTS.pipeline.dispatchQueueUrl)).toEqual({
      Ref: expect.stringMatching(/^DispatchQueue/),
    });
  });

  it('publishes the policy and report address given (bare stack: dmarc reject, rua)', () => {
    const t = bareData({ dmarc: { policy: 'reject', rua: 'dmarc-reports@monexus.example' } });
    expect(outputValue(t, MAIL_DNS_OUTPUTS.dmarc)).toBe(
      '_dmarc.monexus.example TXT "v=DMARC1; p=reject; rua=mailto:dmarc-reports@monexus.example"',
    );
  });

  it('puts MAIL FROM under the label given and DMARC on the From domain (bare stack: mailFromSubdomain, fromDomain)', () => {
    const t = bareData({ mailFromSubdomain: 'mail', fromDomain: 'letters.monexus.example' });
    Template.fromJSON(t).hasResourceProperties('AWS::SES::EmailIdentity', {
      MailFromAttributes: Match.objectLike({ MailFromDomain: 'mail.monexus.example' }),
    });
    expect(outputValue(t, MAIL_DNS_OUTPUTS.mailFromSpf)).toBe(
      'mail.monexus.example TXT "v=spf1 include:amazonses.com ~all"',
    );
    expect(outputValue(t, MAIL_DNS_OUTPUTS.dmarc)).toBe('_dmarc.letters.monexus.example TXT "v=DMARC1; p=none"');
  });

  it('creates DKIM, MAIL FROM MX and SPF, and DMARC in Route 53 when given a zone (bare stack: a parent zone)', () => {
    const t = bareData({ hostedZone: { id: 'Z0123456789ABCDEFGHIJ', name: 'example.org' } }, 'news.example.org');
    const template = Template.fromJSON(t);
    // The identity is the domain, not the zone it is in.
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'news.example.org' });
    const records = resourcesOf(t, 'AWS::Route53::RecordSet').map(([, r]) => r.Properties!);
    for (const r of records) expect(r.HostedZoneId).toBe('Z0123456789ABCDEFGHIJ');
    const dkim = records.filter((r) => r.Type === 'CNAME');
    expect(dkim.map((r) => r.Name)).toEqual(
      [1, 2, 3].map((n) => ({ 'Fn::GetAtt': [expect.stringMatching(/^MailIdentity/), `DkimDNSTokenName${n}`] })),
    );
    expect(records.filter((r) => r.Type === 'MX')).toEqual([
      expect.objectContaining({
        Name: 'bounce.news.example.org.',
        ResourceRecords: [{ 'Fn::Join': ['', ['10 feedback-smtp.', { Ref: 'AWS::Region' }, '.amazonses.com']] }],
      }),
    ]);
    const txt = records.filter((r) => r.Type === 'TXT').map((r) => [r.Name, r.ResourceRecords]);
    expect(txt).toEqual(
      expect.arrayContaining([
        ['bounce.news.example.org.', ['"v=spf1 include:amazonses.com ~all"']],
        ['_dmarc.news.example.org.', ['"v=DMARC1; p=none"']],
      ]),
    );
    expect(records).toHaveLength(6);
    expect(t.Outputs?.[MAIL_DNS_OUTPUTS.dmarc]?.Description).toMatch(/created in the Route 53 zone example\.org/);
  });

  it('synthesises with a zone, a strict policy and reports with no cdk-nag finding', () => {
    const zoned = synthesizeBroadsheet({
      context: {
        hostedZoneId: 'Z0123456789ABC',
        hostedZoneName: 'monexus.example.',
        dmarcPolicy: 'reject',
        dmarcRua: 'dmarc@monexus.example',
      },
    });
    synths.push(zoned);
    const t = zoned.assembly.getStackByName('BroadsheetData').template as StackJson;
    expect(resourcesOf(t, 'AWS::Route53::RecordSet')).toHaveLength(6);
    expect(outputValue(t, MAIL_DNS_OUTPUTS.dmarc)).toBe(
      '_dmarc.monexus.example TXT "v=DMARC1; p=reject; rua=mailto:dmarc@monexus.example"',
    );
  });
});

describe('mail settings from context', () => {
  const context = (values: Record<string, unknown>) => (key: string) => values[key];

  it('defaults to bounce.<domain>, p=none without reports, and no hosted zone', () => {
    expect(readSettings(context({}))).toMatchObject({
      mailFromSubdomain: 'bounce',
      dmarcPolicy: 'none',
      dmarcRua: undefined,
      hostedZone: undefined,
    });
  });

  it('takes a policy, a report address, a label and a zone (its name with or without the final dot)', () => {
    const s = readSettings(
      context({
        dmarcPolicy: 'Quarantine',
        dmarcRua: 'dmarc@monexus.example',
        mailFromSubdomain: 'Mail',
        hostedZoneId: 'Z0123456789ABC',
        hostedZoneName: 'monexus.example.',
      }),
    );
    expect(s).toMatchObject({
      dmarcPolicy: 'quarantine',
      dmarcRua: 'dmarc@monexus.example',
      mailFromSubdomain: 'mail',
      hostedZone: { id: 'Z0123456789ABC', name: 'monexus.example' },
    });
  });

  it('refuses what could not work, saying why', () => {
    const refused = (values: Record<string, unknown>) => {
      try {
        readSettings(context(values));
      } catch (err) {
        expect(err).toBeInstanceOf(SettingsError);
        return (err as Error).message;
      }
      return expect.fail(`accepted ${json(values)}`);
    };
    expect(refused({ dmarcPolicy: 'strict' })).toMatch(
      /dmarcPolicy must be one of none, quarantine, reject, not "strict"/,
    );
    expect(refused({ dmarcRua: 'mailto:dmarc@monexus.example' })).toMatch(/dmarcRua .* is not an email address/);
    expect(refused({ dmarcRua: 'a@monexus.example,b@monexus.example' })).toMatch(/dmarcRua/);
    expect(refused({ mailFromSubdomain: 'bounce.mail' })).toMatch(
      /mailFromSubdomain "bounce.mail" must be one DNS label/,
    );
    expect(refused({ mailFromSubdomain: '-x' })).toMatch(/mailFromSubdomain/);
    expect(refused({ hostedZoneId: 'Z0123456789ABC' })).toMatch(/hostedZoneId and hostedZoneName go together/);
    expect(refused({ hostedZoneName: 'monexus.example' })).toMatch(/go together/);
    expect(refused({ hostedZoneId: 'Z0123456789ABC', hostedZoneName: 'news.monexus.example' })).toMatch(
      /must be monexus\.example or a parent of it/,
    );
    expect(refused({ hostedZoneId: 'Z0123456789ABC', hostedZoneName: 'ample' })).toMatch(/parent of it/);
    expect(refused({ hostedZoneId: '/hostedzone/Z01', hostedZoneName: 'monexus.example' })).toMatch(
      /not a Route 53 hosted zone id/,
    );
  });
});

describe('SES events for per-dispatch figures', () => {
  const functionId = (prefix: string) =>
    resourcesOf(pipeline, 'AWS::Lambda::Function').find(([id]) => id.startsWith(prefix))![0];

  it('queues deliveries, bounces, complaints, rejects and delays of this configuration set, parking what fails', () => {
    const [[ruleId, rule]] = resourcesOf(pipeline, 'AWS::Events::Rule').filter(
      ([, r]) => r.Properties!.EventPattern,
    ) as [[string, Resource]];
    expect(rule.Properties!.EventPattern).toMatchObject({
      source: ['aws.ses'],
      'detail-type': [
        'Email Delivered',
        'Email Bounced',
        'Email Complaint Received',
        'Email Rejected',
        'Email Delivery Delayed',
      ],
    });
    const queues = resourcesOf(pipeline, 'AWS::SQS::Queue');
    const [queueId, queue] = queues.find(([id]) => id.startsWith('FeedbackQueue'))!;
    const [dlqId] = queues.find(([id]) => id.startsWith('FeedbackDeadLetters'))!;
    expect(rule.Properties!.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [queueId, 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^FailedEvents/), 'Arn'] } },
      }),
    ]);
    expect(queue.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 5 },
    });
    // Only this rule may send to the queue, over TLS.
    const [, policy] = resourcesOf(pipeline, 'AWS::SQS::QueuePolicy').find(
      ([, p]) => json(p.Properties!.Queues) === json([{ Ref: queueId }]),
    )!;
    const statements = (policy.Properties!.PolicyDocument as { Statement: Json[] }).Statement;
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
        }),
      ]),
    );
    Template.fromJSON(pipeline).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
    });
  });

  it('feeds ses-events batches of up to 100 gathered for 5 s, with partial batch failures, and no async destination', () => {
    const sesEvents = functionId('FeedbackSesEvents');
    Template.fromJSON(pipeline).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: sesEvents },
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FeedbackQueue'), 'Arn'] },
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const invokeConfigs = resourcesOf(pipeline, 'AWS::Lambda::EventInvokeConfig').filter(([, r]) =>
      json(r.Properties!.FunctionName).includes(sesEvents),
    );
    expect(invokeConfigs).toEqual([]);
    const fn = pipeline.Resources[sesEvents]!.Properties!;
    expect((fn.Environment as { Variables: Json }).Variables.LEDGER_TABLE).toEqual({
      'Fn::ImportValue': expect.stringMatching(/TablesLedger/),
    });
    const queue = resourcesOf(pipeline, 'AWS::SQS::Queue').find(([id]) => id.startsWith('FeedbackQueue'))![1]
      .Properties!;
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * (fn.Timeout as number));
  });

  it('publishes the same events to EventBridge and to CloudWatch, by dispatch and configuration set', () => {
    const destinations = resourcesOf(data, 'AWS::SES::ConfigurationSetEventDestination').map(
      ([, r]) => r.Properties!.EventDestination as Json,
    );
    expect(destinations).toHaveLength(2);
    const events = ['send', 'delivery', 'bounce', 'complaint', 'reject', 'deliveryDelay'];
    for (const d of destinations) expect(d.MatchingEventTypes).toEqual(events);
    const cloudWatch = destinations.find((d) => d.CloudWatchDestination)!;
    expect(cloudWatch.CloudWatchDestination).toEqual({
      DimensionConfigurations: [
        { DimensionName: 'dispatch', DimensionValueSource: 'messageTag', DefaultDimensionValue: 'none' },
        {
          DimensionName: 'ses:configuration-set',
          DimensionValueSource: 'messageTag',
          DefaultDimensionValue: { Ref: expect.stringMatching(/^MailConfigurationSet/) },
        },
      ],
    });
  });

  it('takes opens and clicks only when the publication tracks them (bare stack: tracking on)', () => {
    const stack = new Stack(bareApp(), 'Bare');
    const table = (id: string) =>
      new dynamodb.Table(stack, id, { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    new FeedbackStage(stack, 'Feedback', {
      runtime: {
        environment: {},
        tokenSecret: new secretsmanager.Secret(stack, 'Key'),
        logRetention: logs.RetentionDays.ONE_MONTH,
      },
      subscribers: table('Subscribers'),
      ledger: table('Ledger'),
      configurationSetName: 'set',
      failedEvents: new sqs.Queue(stack, 'Failed'),
      tracking: { opens: true, clicks: true },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        'detail-type': [
          'Email Delivered',
          'Email Bounced',
          'Email Complaint Received',
          'Email Rejected',
          'Email Delivery Delayed',
          'Email Opened',
          'Email Clicked',
        ],
      }),
    });
    const tracked = bareData({ tracking: { opens: true, clicks: true } });
    for (const [, d] of resourcesOf(tracked, 'AWS::SES::ConfigurationSetEventDestination')) {
      expect((d.Properties!.EventDestination as Json).MatchingEventTypes).toEqual([
        'send',
        'delivery',
        'bounce',
        'complaint',
        'reject',
        'deliveryDelay',
        'open',
        'click',
      ]);
    }
  });
});

describe('dashboard and the auto-pause alarm', () => {
  const dashboardBody = () =>
    json(resourcesOf(pipeline, 'AWS::CloudWatch::Dashboard')[0]![1].Properties!.DashboardBody);

  it('graphs each SES metric of the configuration set per dispatch, and the dispatch queue’s depth', () => {
    const body = dashboardBody();
    for (const metric of ['Send', 'Delivery', 'Bounce', 'Complaint', 'Reject', 'DeliveryDelay']) {
      expect(body, metric).toContain(`SES ${metric} per dispatch`);
      expect(body, metric).toContain(
        `SEARCH('{AWS/SES,\\\\\\"ses:configuration-set\\\\\\",dispatch} MetricName=\\\\\\"${metric}\\\\\\"`,
      );
    }
    expect(body).toContain('MailConfigurationSet');
    expect(body).not.toContain('Open per dispatch');
    expect(body).toMatch(/ApproximateNumberOfMessagesVisible\\",\\"QueueName\\",\\"",\{"Fn::GetAtt":\["DispatchQueue/);
  });

  it('alarms when ses-events logs that a dispatch paused itself', () => {
    const [[, filter]] = resourcesOf(pipeline, 'AWS::Logs::MetricFilter') as [[string, Resource]];
    expect(filter.Properties).toMatchObject({
      FilterPattern: `{ $.message = "${AUTO_PAUSE_MESSAGE}" }`,
      LogGroupName: { Ref: expect.stringMatching(/^FeedbackSesEventsLogs/) },
    });
    const [metric] = filter.Properties!.MetricTransformations as Json[];
    Template.fromJSON(pipeline).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: metric!.MetricNamespace,
      MetricName: metric!.MetricName,
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    // The line the logger writes carries the message as a top-level field, which the pattern selects.
    const lines: string[] = [];
    createLogger({ fn: 'ses-events' }, (line) => lines.push(line)).warn(AUTO_PAUSE_MESSAGE, { dispatchId: 'x~1' });
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'warn', message: 'dispatch paused automatically' });
  });

  it('notifies the alarm topic of it (bare stack: alarmEmail)', () => {
    const stack = new Stack(bareApp(), 'Bare');
    const logGroup = new logs.LogGroup(stack, 'Logs');
    new Operations(stack, 'Operations', {
      functions: {},
      deadLetterQueues: {},
      dispatchQueue: new sqs.Queue(stack, 'Dispatch'),
      alarmEmail: 'ops@monexus.example',
      sesEventsLogGroup: logGroup,
    });
    const t = Template.fromStack(stack).toJSON() as StackJson;
    const [topic] = resourcesOf(t, 'AWS::SNS::Topic').map(([id]) => id);
    const [[, alarm]] = resourcesOf(t, 'AWS::CloudWatch::Alarm').filter(([id]) =>
      id.includes('DispatchAutoPaused'),
    ) as [[string, Resource]];
    expect(alarm.Properties!.AlarmActions).toEqual([{ Ref: topic }]);
    expect(resourcesOf(t, 'AWS::Logs::MetricFilter')).toHaveLength(1);
  });
});
