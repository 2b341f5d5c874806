import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { RUNTIME_DEFAULTS } from '../src/app/runtime-config.ts';
import { isEmailAddress, loadConfig, validateConfig, type Config } from '../src/config.ts';
import { trimEndOf } from '../src/strings.ts';
import { BroadsheetError } from '../src/errors.ts';
import { DEFAULT_MAIL_FROM_SUBDOMAIN, DMARC_POLICIES, DNS_LABEL, type DmarcPolicy } from '../src/app/mail-dns.ts';
import { WAF_MINIMUM_RATE_LIMIT } from './constructs/waf-rate-limit.ts';

/**
 * Everything a deployment may choose, read from CDK context (`cdk.json` or `-c key=value`). Every setting has a
 * default that describes the sample publication (Monexus at monexus.example), so `npx cdk synth` works as it is.
 */
export interface BroadsheetSettings {
  /** The domain the site is served from and the SES identity (Easy DKIM) mail is sent from. Default: the host of
   * the publication's siteUrl (monexus.example). */
  domain: string;
  /** The From address of every email; must be on `domain`. Default: the publication's sender address. */
  sender: string;
  /** Shown before the sender address. Default: the publication's sender name. */
  senderName: string;
  /** The public site URL used in links. Default: https://<domain>. */
  siteUrl: string;
  /** The SES account's maximum send rate, messages per second (see the SES console). Default 14, the usual rate
   * after leaving the sandbox. All dispatch workers together never exceed it. */
  sendRate: number;
  /** Reserved concurrency of the dispatch worker; each worker sends at sendRate / workerConcurrency. Default 2. */
  workerConcurrency: number;
  /** Recipients per queue message. Default 500. */
  shardSize: number;
  /** Soft bounces before an address is suppressed. Default 3. */
  softBounceThreshold: number;
  /** Where alarm notifications go; without it alarms only show in CloudWatch. Default none. */
  alarmEmail: string | undefined;
  /** CloudWatch Logs retention of every function, in days. Default 30. */
  logRetentionDays: RetentionDays;
  /** An ACM certificate (us-east-1) for `domain`; with it the distribution answers on `domain` with TLS 1.2+.
   * Default none: the distribution keeps its cloudfront.net name. */
  certificateArn: string | undefined;
  /** A WAF web ACL (scope CLOUDFRONT) of the deployment's own, attached to the distribution instead of the one the
   * edge stack makes (which holds the subscribe rate limit, and is then not made). Default none. */
  webAclArn: string | undefined;
  /** Requests a minute per client IP address to /subscribe before the web ACL answers 429 (a WAF rate-based rule;
   * WAF's minimum is 10). Ignored with webAclArn. @default 20 */
  subscribeRateLimit: number;
  /** The full ARN of a Secrets Manager secret holding TOKEN_KEYS (JSON: `current`, `keys`, `retiring`), the signing
   * keys during and after a rotation; the stack's TokenSecret then only derives subscriber ids. Default none:
   * TokenSecret alone signs links (kid "0") and derives ids. */
  tokenKeysSecretArn: string | undefined;
  /** How often editorials whose embargo has passed are released, in minutes; 0 turns it off. Default 5. The same
   * scheduled run plans the digests, so while digests are offered it runs at least hourly whatever this says. */
  embargoReleaseMinutes: number;
  /** One DNS label: SES sends with the custom MAIL FROM domain `<label>.<domain>`, whose MX and SPF records make SPF
   * pass aligned with the From domain (DMARC). Default `bounce`. */
  mailFromSubdomain: string;
  /** The DMARC policy published for the From domain: `none` (report only), `quarantine` or `reject`. Default `none`:
   * start there, read the reports, then tighten. */
  dmarcPolicy: DmarcPolicy;
  /** The address DMARC aggregate reports go to (`rua=mailto:`); an address on another domain needs that domain's
   * consent (RFC 7489 7.1). Default none: no reports. */
  dmarcRua: string | undefined;
  /** A Route 53 public hosted zone for `domain` or a parent of it (context `hostedZoneId` and `hostedZoneName`, both
   * or neither): the stack then creates the DKIM, MAIL FROM and DMARC records in it. Default none: the data stack's
   * outputs (and `broadsheet dns`) list the records to add by hand. */
  hostedZone: { id: string; name: string } | undefined;
  /** The publication's configuration (broadsheet.config.json format), with domain, sender and siteUrl applied.
   * Default: the built-in sample configuration, or the file given as context `config`. */
  publication: Config;
}

/** A worker must finish a shard well inside Lambda's 15 minutes, or every shard would need several deliveries. */
export const MAX_SHARD_SECONDS = 540;

export class SettingsError extends BroadsheetError {
  override name = 'SettingsError';
}

/** Reads context through a lookup (`app.node.tryGetContext`), so the same code serves the app and the tests. */
export function readSettings(context: (key: string) => unknown): BroadsheetSettings {
  const problems: string[] = [];
  const text = (key: string): string | undefined => {
    const value = context(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') {
      problems.push(`${key} must be a string`);
      return undefined;
    }
    return value.trim();
  };
  const integer = (key: string, fallback: number, min: number, max: number): number => {
    const raw = context(key);
    if (raw === undefined || raw === null || raw === '') return fallback;
    const value = typeof raw === 'number' ? raw : Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${key} must be a whole number from ${min} to ${max}, not ${JSON.stringify(raw)}`);
      return fallback;
    }
    return value;
  };

  const configFile = text('config');
  const base = loadConfig(configFile);
  const domain = (text('domain') ?? new URL(base.publication.siteUrl).hostname).toLowerCase();
  const sender = text('sender') ?? base.sender.address;
  const senderName = text('senderName') ?? base.sender.name;
  const siteUrl = trimEndOf(text('siteUrl') ?? `https://${domain}`, '/');

  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(domain))
    problems.push(`domain "${domain}" is not a domain name`);
  const senderDomain = sender.split('@')[1]?.toLowerCase();
  if (senderDomain === undefined || (senderDomain !== domain && !senderDomain.endsWith(`.${domain}`))) {
    problems.push(`sender "${sender}" must be an address on ${domain} (the SES identity)`);
  }
  if (!/^https:\/\/[^/\s]+$/.test(siteUrl))
    problems.push(`siteUrl "${siteUrl}" must be an https:// origin without a path`);

  const sendRate = integer('sendRate', RUNTIME_DEFAULTS.sendRatePerSecond, 1, 100_000);
  const workerConcurrency = integer('workerConcurrency', RUNTIME_DEFAULTS.workerConcurrency, 1, 1000);
  if (workerConcurrency > sendRate)
    problems.push(
      `workerConcurrency (${workerConcurrency}) must not exceed sendRate (${sendRate}): each worker needs at least one message per second`,
    );
  const shardSize = integer('shardSize', RUNTIME_DEFAULTS.shardSize, 1, 10_000);
  const shardSeconds = (shardSize * workerConcurrency) / sendRate;
  if (shardSeconds > MAX_SHARD_SECONDS) {
    problems.push(
      `one shard takes ${Math.ceil(shardSeconds)} s at sendRate / workerConcurrency = ${(sendRate / workerConcurrency).toFixed(2)}/s per worker; ` +
        `keep shardSize * workerConcurrency / sendRate under ${MAX_SHARD_SECONDS} s (Lambda runs at most 900 s) with a smaller shardSize`,
    );
  }
  const softBounceThreshold = integer('softBounceThreshold', RUNTIME_DEFAULTS.softBounceThreshold, 1, 100);
  const logRetentionDays = integer('logRetentionDays', 30, 1, 3653);
  if (!(Object.values(RetentionDays) as unknown[]).includes(logRetentionDays)) {
    problems.push(
      `logRetentionDays must be one of CloudWatch's retention periods (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...), not ${logRetentionDays}`,
    );
  }
  const embargoReleaseMinutes = integer('embargoReleaseMinutes', 5, 0, 1440);
  const alarmEmail = text('alarmEmail');
  if (alarmEmail !== undefined && !isEmailAddress(alarmEmail))
    problems.push(`alarmEmail "${alarmEmail}" is not an email address`);
  const certificateArn = text('certificateArn');
  if (
    certificateArn !== undefined &&
    !/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(certificateArn)
  ) {
    problems.push(
      'certificateArn must be an ACM certificate ARN in us-east-1 (CloudFront reads certificates only there)',
    );
  }
  const webAclArn = text('webAclArn');
  if (
    webAclArn !== undefined &&
    !/^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]+\/[\w-]+$/.test(webAclArn)
  ) {
    problems.push(
      'webAclArn must be the ARN of a WAF web ACL of scope CLOUDFRONT (arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>)',
    );
  }
  const tokenKeysSecretArn = text('tokenKeysSecretArn');
  if (
    tokenKeysSecretArn !== undefined &&
    !/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/.test(tokenKeysSecretArn)
  ) {
    problems.push(
      'tokenKeysSecretArn must be the full ARN of a Secrets Manager secret (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<suffix>)',
    );
  }
  const subscribeRateLimit = integer(
    'subscribeRateLimit',
    RUNTIME_DEFAULTS.subscribeRatePerMinute,
    WAF_MINIMUM_RATE_LIMIT,
    2_000_000_000,
  );
  const mailFromSubdomain = (text('mailFromSubdomain') ?? DEFAULT_MAIL_FROM_SUBDOMAIN).toLowerCase();
  if (!DNS_LABEL.test(mailFromSubdomain) || `${mailFromSubdomain}.${domain}`.length > 253) {
    problems.push(
      `mailFromSubdomain "${mailFromSubdomain}" must be one DNS label (letters, digits and inner hyphens, at most 63), such as bounce`,
    );
  }
  const dmarcPolicy = (text('dmarcPolicy') ?? 'none').toLowerCase();
  if (!(DMARC_POLICIES as readonly string[]).includes(dmarcPolicy)) {
    problems.push(`dmarcPolicy must be one of ${DMARC_POLICIES.join(', ')}, not "${dmarcPolicy}"`);
  }
  const dmarcRua = text('dmarcRua');
  // `!` (a size limit), `,` and `;` separate the parts of a DMARC tag: an address holding one would change the record.
  if (dmarcRua !== undefined && (!isEmailAddress(dmarcRua) || /[!,;\s]/.test(dmarcRua))) {
    problems.push(
      `dmarcRua "${dmarcRua}" is not an email address DMARC reports can go to (one address, without mailto:)`,
    );
  }
  const hostedZone = readHostedZone(text('hostedZoneId'), text('hostedZoneName'), domain, problems);

  if (problems.length) throw new SettingsError(`invalid CDK context:\n  - ${problems.join('\n  - ')}`);

  // Checked again with the context's values in it: the functions take this configuration as written.
  const publication: Config = validateConfig(
    {
      ...base,
      publication: { ...base.publication, siteUrl },
      sender: { ...base.sender, name: senderName, address: sender },
      unsubscribe: { ...base.unsubscribe, url: `${siteUrl}/unsubscribe` },
    },
    'the configuration with the CDK context applied',
  );
  return {
    domain,
    sender,
    senderName,
    siteUrl,
    sendRate,
    workerConcurrency,
    shardSize,
    softBounceThreshold,
    alarmEmail,
    logRetentionDays: logRetentionDays as RetentionDays,
    certificateArn,
    webAclArn,
    subscribeRateLimit,
    tokenKeysSecretArn,
    embargoReleaseMinutes,
    mailFromSubdomain,
    dmarcPolicy: dmarcPolicy as DmarcPolicy,
    dmarcRua,
    hostedZone,
    publication,
  };
}

/** Both or neither; the zone must hold `domain` (be it or a parent of it), or its records could not go there. */
function readHostedZone(
  id: string | undefined,
  rawName: string | undefined,
  domain: string,
  problems: string[],
): BroadsheetSettings['hostedZone'] {
  if (id === undefined && rawName === undefined) return undefined;
  if (id === undefined || rawName === undefined) {
    problems.push(
      'hostedZoneId and hostedZoneName go together: give both (the Route 53 public hosted zone of the domain) or neither',
    );
    return undefined;
  }
  const name = trimEndOf(rawName.toLowerCase(), '.');
  const before = problems.length;
  if (!/^Z[A-Z0-9]{1,32}$/.test(id))
    problems.push(`hostedZoneId "${id}" is not a Route 53 hosted zone id (Z followed by letters and digits)`);
  if (name !== domain && !domain.endsWith(`.${name}`)) {
    problems.push(
      `hostedZoneName "${name}" must be ${domain} or a parent of it: the zone holds the records of ${domain}`,
    );
  }
  return problems.length === before ? { id, name } : undefined;
}
