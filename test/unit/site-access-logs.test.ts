import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import {
  ACCESS_LOG_FIELDS,
  SiteAccessLogs,
  WITHHELD_ACCESS_LOG_FIELDS,
  type SiteAccessLogsProps,
} from '../../infra/constructs/site-access-logs.ts';

/** The deploy-time calls SiteAccessLogs makes, by action, with their parameters, on a bare stack. */
function calls(props: Partial<SiteAccessLogsProps> = {}): Map<string, Record<string, unknown>> {
  const stack = new Stack(
    new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false }),
    'Bare',
  );
  const bucket = new s3.Bucket(stack, 'Logs');
  const distribution = new cloudfront.Distribution(stack, 'Site', {
    defaultBehavior: { origin: new origins.HttpOrigin('example.org') },
  });
  new SiteAccessLogs(stack, 'AccessLogs', { distribution, bucket, ...props });
  const found = new Map<string, Record<string, unknown>>();
  for (const resource of Object.values(Template.fromStack(stack).findResources('Custom::AWS'))) {
    for (const phase of ['Create', 'Update', 'Delete']) {
      const value = (resource as { Properties: Record<string, unknown> }).Properties[phase];
      if (value === undefined) continue;
      const text = JSON.stringify(stack.resolve(value));
      const action = /"action\\":\\"(\w+)\\"/.exec(text)?.[1] ?? /"action":"(\w+)"/.exec(text)?.[1];
      if (action) found.set(action, { text, region: text.includes('us-east-1') });
    }
  }
  return found;
}

describe('SiteAccessLogs', () => {
  it('never lists a field that carries a token, and lists every other field of the legacy log', () => {
    for (const field of WITHHELD_ACCESS_LOG_FIELDS) expect(ACCESS_LOG_FIELDS).not.toContain(field);
    expect(ACCESS_LOG_FIELDS.length + WITHHELD_ACCESS_LOG_FIELDS.length).toBe(33);
  });

  it('by default: creates source, destination and delivery in us-east-1, JSON records, the default fields', () => {
    const made = calls();
    for (const action of [
      'putDeliverySource',
      'putDeliveryDestination',
      'createDelivery',
      'updateDeliveryConfiguration',
      'deleteDelivery',
    ]) {
      expect(made.get(action)?.region, action).toBe(true);
    }
    const destination = String(made.get('putDeliveryDestination')!.text);
    expect(destination).toContain('json');
    expect(destination).toContain('/cloudfront');
    const delivery = String(made.get('createDelivery')!.text);
    for (const field of ACCESS_LOG_FIELDS) expect(delivery).toContain(field);
    expect(delivery).not.toContain('cs-uri-query');
  });

  it('with outputFormat and recordFields: writes those', () => {
    const made = calls({ outputFormat: 'w3c', recordFields: ['date', 'time', 'cs-uri-stem'] });
    expect(String(made.get('putDeliveryDestination')!.text)).toContain('w3c');
    const delivery = String(made.get('createDelivery')!.text);
    expect(delivery).toContain('cs-uri-stem');
    expect(delivery).not.toContain('c-ip');
  });
});
