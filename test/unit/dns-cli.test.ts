// `broadsheet dns`: the records the sending domain needs, read from the data stack's outputs (a fake reader here:
// no AWS), printed for a person or as JSON, and one clear sentence when the stack cannot say.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NoCredentialsError, StackNotFoundError } from '../../src/adapters/stack-outputs.ts';
import { DNS_USAGE, runDnsCommand } from '../../src/cli/dns.ts';

/** The data stack's outputs as CloudFormation gives them back once deployed (region eu-west-1). */
const OUTPUTS: Record<string, string> = {
  EditorialsBucketName: 'broadsheetdata-editorials',
  DkimRecord1: 'abc1._domainkey.monexus.example CNAME abc1.dkim.amazonses.com',
  DkimRecord2: 'abc2._domainkey.monexus.example CNAME abc2.dkim.amazonses.com',
  DkimRecord3: 'abc3._domainkey.monexus.example CNAME abc3.dkim.amazonses.com',
  MailFromDomain: 'bounce.monexus.example',
  MailFromMxRecord: 'bounce.monexus.example MX 10 feedback-smtp.eu-west-1.amazonses.com',
  MailFromSpfRecord: 'bounce.monexus.example TXT "v=spf1 include:amazonses.com ~all"',
  DmarcRecord: '_dmarc.monexus.example TXT "v=DMARC1; p=none; rua=mailto:dmarc@monexus.example"',
};

let out: string[];
let err: string[];
beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => void out.push(String(line)));
  vi.spyOn(console, 'error').mockImplementation((line: unknown) => void err.push(String(line)));
});
afterEach(() => vi.restoreAllMocks());

function reader(outputs: Record<string, string> = OUTPUTS) {
  const asked: string[] = [];
  const read = async (stackName: string) => {
    asked.push(stackName);
    return outputs;
  };
  return { asked, read };
}

describe('broadsheet dns', () => {
  it('prints each record as <name>  <TYPE>  <value> under one heading per group', async () => {
    const { asked, read } = reader();
    expect(await runDnsCommand([], {}, read)).toBe(0);
    expect(asked).toEqual(['BroadsheetData']);
    const lines = out.join('\n').split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^# DKIM/),
      'abc1._domainkey.monexus.example  CNAME  abc1.dkim.amazonses.com',
      'abc2._domainkey.monexus.example  CNAME  abc2.dkim.amazonses.com',
      'abc3._domainkey.monexus.example  CNAME  abc3.dkim.amazonses.com',
      expect.stringMatching(/^# MAIL FROM \/ SPF/),
      'bounce.monexus.example  MX  10 feedback-smtp.eu-west-1.amazonses.com',
      'bounce.monexus.example  TXT  "v=spf1 include:amazonses.com ~all"',
      expect.stringMatching(/^# DMARC/),
      '_dmarc.monexus.example  TXT  "v=DMARC1; p=none; rua=mailto:dmarc@monexus.example"',
    ]);
    expect(err).toEqual([]);
  });

  it('gives a JSON array of { name, type, value, purpose } with --json', async () => {
    expect(await runDnsCommand(['--json'], {}, reader().read)).toBe(0);
    const records = JSON.parse(out.join('\n')) as Record<string, string>[];
    expect(records).toHaveLength(6);
    expect(records.map((r) => r.purpose)).toEqual(['DKIM', 'DKIM', 'DKIM', 'MAIL FROM', 'SPF', 'DMARC']);
    expect(records[4]).toEqual({
      name: 'bounce.monexus.example',
      type: 'TXT',
      value: '"v=spf1 include:amazonses.com ~all"',
      purpose: 'SPF',
    });
    for (const r of records) expect(Object.keys(r).sort()).toEqual(['name', 'purpose', 'type', 'value']);
  });

  it('reads <prefix>Data: --stack first, then BROADSHEET_STACK', async () => {
    const first = reader();
    await runDnsCommand(['--stack', 'Gazette'], { BROADSHEET_STACK: 'Other' }, first.read);
    const second = reader();
    await runDnsCommand([], { BROADSHEET_STACK: 'Other' }, second.read);
    expect([...first.asked, ...second.asked]).toEqual(['GazetteData', 'OtherData']);
  });

  it('tells a desk with an older stack deployed to deploy this version (exit 1)', async () => {
    const { MailFromMxRecord: _mx, MailFromSpfRecord: _spf, DmarcRecord: _dmarc, ...older } = OUTPUTS;
    expect(await runDnsCommand([], {}, reader(older).read)).toBe(1);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(
      /^broadsheet dns: stack BroadsheetData has no MailFromMxRecord, MailFromSpfRecord, DmarcRecord outputs .*deploy this one with npx cdk deploy --all/,
    );
    expect(err[0]).not.toContain('\n');
  });

  it('says what to do when the stack is missing or there are no credentials (exit 1)', async () => {
    const failing = (error: Error) => async () => {
      throw error;
    };
    expect(
      await runDnsCommand(
        [],
        {},
        failing(new StackNotFoundError('stack BroadsheetData does not exist in region eu-west-1')),
      ),
    ).toBe(1);
    expect(err[0]).toMatch(
      /does not exist in region eu-west-1; deploy it with npx cdk deploy --all, or name its prefix with --stack/,
    );
    expect(
      await runDnsCommand([], {}, failing(new NoCredentialsError('no AWS credentials were found (set AWS_PROFILE)'))),
    ).toBe(1);
    expect(err[1]).toMatch(/^broadsheet dns: no AWS credentials were found .*then run broadsheet dns again$/);
    expect(out).toEqual([]);
  });

  it('refuses an output that is not a record rather than print it (exit 1)', async () => {
    expect(await runDnsCommand([], {}, reader({ ...OUTPUTS, DmarcRecord: 'v=DMARC1; p=none' }).read)).toBe(1);
    expect(err[0]).toMatch(/output DmarcRecord of stack BroadsheetData is not a DNS record/);
  });

  it('answers usage errors with the usage (exit 2), and --help with it alone (exit 0)', async () => {
    const { asked, read } = reader();
    expect(await runDnsCommand(['records'], {}, read)).toBe(2);
    expect(await runDnsCommand(['--zone', 'x'], {}, read)).toBe(2);
    expect(await runDnsCommand(['--stack', 'a b'], {}, read)).toBe(2);
    expect(asked).toEqual([]);
    expect(err.every((e) => e.includes(DNS_USAGE))).toBe(true);
    expect(await runDnsCommand(['--help'], {}, read)).toBe(0);
    expect(out).toEqual([DNS_USAGE]);
  });

  it('leaves other failures to the caller', async () => {
    await expect(runDnsCommand([], {}, async () => Promise.reject(new TypeError('boom')))).rejects.toThrow('boom');
  });
});
