import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import {
  DEFAULT_MAIL_FROM_SUBDOMAIN,
  dmarcName,
  dmarcValue,
  mailFromMxHost,
  quotedTxt,
  recordLine,
  SES_SPF,
  type DmarcPolicy,
  type DnsRecordType,
} from '../../src/app/mail-dns.ts';

/** The message tag the dispatch worker names each send's dispatch with (src/pipeline/dispatch/recipient-sender.ts). */
export const DISPATCH_TAG = 'dispatch';
/** The CloudWatch dimension of a send outside any dispatch (a confirmation, a welcome). */
export const NO_DISPATCH = 'none';
/** SES's auto-tag naming the configuration set, used as a CloudWatch dimension so metrics of other stacks stay apart. */
export const CONFIGURATION_SET_DIMENSION = 'ses:configuration-set';

/** The CloudWatch metric SES publishes an event as: `deliveryDelay` → `DeliveryDelay`. */
export function sesMetricName(event: ses.EmailSendingEvent): string {
  return event.charAt(0).toUpperCase() + event.slice(1);
}

export interface MailIdentityProps {
  /** The domain mail is sent from; verified with Easy DKIM (three CNAME records). */
  readonly domain: string;
  /** The domain of the From address, whose DMARC record receivers look up. Default: `domain`. */
  readonly fromDomain?: string;
  /** The custom MAIL FROM domain is `<mailFromSubdomain>.<domain>`. Default: `bounce`. */
  readonly mailFromSubdomain?: string;
  /** The DMARC record's policy and report address. Default: `p=none`, no reports. */
  readonly dmarc?: { readonly policy: DmarcPolicy; readonly rua?: string | undefined };
  /** A Route 53 public hosted zone holding `domain` (it or a parent): every record is created there. Default: none,
   * the records are only described (`records`) for the data stack's outputs. */
  readonly hostedZone?: { readonly id: string; readonly name: string } | undefined;
  /** SES open and click tracking: adds OPEN and CLICK to the events published. Default: both off. */
  readonly tracking?: { readonly opens: boolean; readonly clicks: boolean };
}

/** One DNS record the domain needs, with tokens where the value is known only at deploy time. */
export interface MailDnsRecord {
  readonly name: string;
  readonly type: DnsRecordType;
  readonly value: string;
  /** `<name> <TYPE> <value>`, as the outputs print it. */
  readonly line: string;
}

/**
 * The SES domain identity (Easy DKIM, custom MAIL FROM), the configuration set every message is sent with, and its
 * event destinations: every event that counts toward a dispatch's figures goes to the account's default EventBridge
 * bus (the only bus SES publishes to), where FeedbackStage takes them; the same events go to CloudWatch as metrics
 * per dispatch (the message tag `dispatch`). DKIM, the MAIL FROM domain's MX and SPF records, and DMARC are what
 * Gmail, Yahoo and Microsoft require of bulk senders; with a hosted zone they are created, else described.
 */
export class MailIdentity extends Construct {
  readonly identity: ses.EmailIdentity;
  readonly configurationSet: ses.ConfigurationSet;
  /** `arn:aws:ses:<region>:<account>:configuration-set/<name>`, for ses:SendEmail grants. */
  readonly configurationSetArn: string;
  /** The SES events published, to EventBridge and to CloudWatch alike. */
  readonly events: ses.EmailSendingEvent[];
  readonly mailFromDomain: string;
  readonly dkimRecords: MailDnsRecord[];
  readonly mailFromMxRecord: MailDnsRecord;
  readonly mailFromSpfRecord: MailDnsRecord;
  readonly dmarcRecord: MailDnsRecord;
  /** Where the records were created; undefined when they must be added by hand. */
  readonly zone: route53.IPublicHostedZone | undefined;

  constructor(scope: Construct, id: string, props: MailIdentityProps) {
    super(scope, id);
    const tracking = props.tracking ?? { opens: false, clicks: false };
    // With tracking off SES adds no pixel and rewrites no link. With it on, SES's own HTTPS tracking domain is used:
    // the configuration set's tracking options (CDK) only name a custom redirect domain, which needs its own
    // certificate and DNS record and is not set up here.
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.configurationSet.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.events = [
      ses.EmailSendingEvent.SEND,
      ses.EmailSendingEvent.DELIVERY,
      ses.EmailSendingEvent.BOUNCE,
      ses.EmailSendingEvent.COMPLAINT,
      ses.EmailSendingEvent.REJECT,
      ses.EmailSendingEvent.DELIVERY_DELAY,
      ...(tracking.opens ? [ses.EmailSendingEvent.OPEN] : []),
      ...(tracking.clicks ? [ses.EmailSendingEvent.CLICK] : []),
    ];
    this.configurationSet.addEventDestination('ToEventBridge', {
      destination: ses.EventDestination.eventBus(events.EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: this.events,
    });
    // Metrics per dispatch and configuration set; sends outside a dispatch (confirmations, welcomes) count as `none`.
    this.configurationSet.addEventDestination('ToCloudWatch', {
      destination: ses.EventDestination.cloudWatchDimensions([
        { name: DISPATCH_TAG, source: ses.CloudWatchDimensionSource.MESSAGE_TAG, defaultValue: NO_DISPATCH },
        {
          name: CONFIGURATION_SET_DIMENSION,
          source: ses.CloudWatchDimensionSource.MESSAGE_TAG,
          defaultValue: this.configurationSet.configurationSetName,
        },
      ]),
      events: this.events,
    });
    this.configurationSetArn = Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });

    this.zone = props.hostedZone
      ? route53.PublicHostedZone.fromPublicHostedZoneAttributes(this, 'Zone', {
          hostedZoneId: props.hostedZone.id,
          zoneName: props.hostedZone.name,
        })
      : undefined;
    this.mailFromDomain = `${props.mailFromSubdomain ?? DEFAULT_MAIL_FROM_SUBDOMAIN}.${props.domain}`;
    this.identity = new ses.EmailIdentity(this, 'Identity', {
      // Identity.publicHostedZone() would name the identity after the zone; the domain may be a subdomain of it. With a
      // zone, EmailIdentity creates the three DKIM CNAMEs and the MAIL FROM domain's MX and SPF records in it.
      identity: this.zone ? { value: props.domain, hostedZone: this.zone } : ses.Identity.domain(props.domain),
      configurationSet: this.configurationSet,
      dkimSigning: true,
      mailFromDomain: this.mailFromDomain,
      // Until the MX record resolves SES sends with its own MAIL FROM (amazonses.com) rather than refusing to send.
      mailFromBehaviorOnMxFailure: ses.MailFromBehaviorOnMxFailure.USE_DEFAULT_VALUE,
    });
    this.identity.applyRemovalPolicy(RemovalPolicy.RETAIN);

    const record = (name: string, type: DnsRecordType, value: string): MailDnsRecord => ({
      name,
      type,
      value,
      line: recordLine(name, type, value),
    });
    this.dkimRecords = this.identity.dkimRecords.map((r) => record(r.name, 'CNAME', r.value));
    this.mailFromMxRecord = record(this.mailFromDomain, 'MX', `10 ${mailFromMxHost(Stack.of(this).region)}`);
    this.mailFromSpfRecord = record(this.mailFromDomain, 'TXT', quotedTxt(SES_SPF));
    const dmarc = dmarcValue(props.dmarc?.policy ?? 'none', props.dmarc?.rua);
    this.dmarcRecord = record(dmarcName(props.fromDomain ?? props.domain), 'TXT', quotedTxt(dmarc));
    if (this.zone) {
      new route53.TxtRecord(this, 'Dmarc', {
        zone: this.zone,
        recordName: this.dmarcRecord.name,
        values: [dmarc],
        ttl: Duration.hours(1),
      });
    }
  }
}
