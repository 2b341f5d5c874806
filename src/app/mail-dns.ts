/**
 * The DNS records a sending domain needs besides the SES identity itself, as the data stack prints them in its outputs
 * and `broadsheet dns` reads them back: Easy DKIM's three CNAMEs, the custom MAIL FROM domain's MX and SPF TXT (so
 * SPF passes aligned with the From domain, not only for amazonses.com), and DMARC. Gmail and Yahoo (since February
 * 2024) and Microsoft (since May 2025) require all three of bulk senders.
 *
 * Each output value is one record on one line, `<name> <TYPE> <value>`, TXT values in double quotes as in a zone file.
 */

/** Output keys of the data stack (`<prefix>Data`), fixed: `broadsheet dns` reads them by these names. */
export const MAIL_DNS_OUTPUTS = {
  dkim: ['DkimRecord1', 'DkimRecord2', 'DkimRecord3'],
  mailFromDomain: 'MailFromDomain',
  mailFromMx: 'MailFromMxRecord',
  mailFromSpf: 'MailFromSpfRecord',
  dmarc: 'DmarcRecord',
} as const;

/** What a receiver does with mail that fails DMARC: nothing but report it, put it in spam, or refuse it. */
export const DMARC_POLICIES = ['none', 'quarantine', 'reject'] as const;
export type DmarcPolicy = (typeof DMARC_POLICIES)[number];

/** The MAIL FROM domain is `<this>.<domain>` unless the deployment names another label. */
export const DEFAULT_MAIL_FROM_SUBDOMAIN = 'bounce';

/** SES's own SPF include: the MAIL FROM domain lets SES's servers, and only them, send as it. */
export const SES_SPF = 'v=spf1 include:amazonses.com ~all';

/** One DNS label (RFC 1035, lower case): letters, digits and inner hyphens, at most 63 characters. */
export const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** SES's feedback endpoint in the identity's region: where bounces to the MAIL FROM domain are delivered. */
export function mailFromMxHost(region: string): string {
  return `feedback-smtp.${region}.amazonses.com`;
}

/** The DMARC TXT value; `rua` (an address) gets the daily aggregate reports. */
export function dmarcValue(policy: DmarcPolicy, rua?: string): string {
  return [`v=DMARC1`, `p=${policy}`, ...(rua ? [`rua=mailto:${rua}`] : [])].join('; ');
}

/** `_dmarc.<domain>`: where receivers look up the policy of mail From `domain`. */
export const dmarcName = (domain: string) => `_dmarc.${domain}`;

export type DnsRecordType = 'CNAME' | 'MX' | 'TXT';

/** One record as an output line: `<name> <TYPE> <value>`. */
export function recordLine(name: string, type: DnsRecordType, value: string): string {
  return `${name} ${type} ${value}`;
}

/** A TXT value in zone-file form. */
export const quotedTxt = (value: string) => `"${value}"`;

/** An output line back as its parts, or undefined when it is not `<name> <TYPE> <value>`. */
export function parseRecordLine(line: string): { name: string; type: string; value: string } | undefined {
  const match = /^(\S+) ([A-Z]+) (.+)$/.exec(line.trim());
  return match ? { name: match[1]!, type: match[2]!, value: match[3]! } : undefined;
}
