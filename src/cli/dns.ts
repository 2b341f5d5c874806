import { parseArgs } from 'node:util';
import { DEFAULT_STACK_PREFIX, STACK_ENV, type StackOutputs } from '../app/desk-runtime.ts';
import { MAIL_DNS_OUTPUTS, parseRecordLine } from '../app/mail-dns.ts';
import { UsageError } from './errors.ts';

export const DNS_USAGE = `Usage:
  broadsheet dns [--stack <prefix>] [--json]

dns      prints every DNS record the sending domain needs, from the deployed data stack's outputs
         (<prefix>Data): Easy DKIM's three CNAMEs, the MAIL FROM domain's MX and SPF TXT (SPF aligned
         with the From domain), and DMARC; one a line as <name>  <TYPE>  <value>, TXT values quoted as
         in a zone file. Deployed with -c hostedZoneId=... -c hostedZoneName=..., the stack has created
         them in Route 53 already.

--stack  the stack prefix (default: $${STACK_ENV}, else ${DEFAULT_STACK_PREFIX})
--json   a JSON array of { name, type, value, purpose } instead

Needs AWS credentials for the stack's account and region. Exit status: 0 printed, 1 the stack or its
outputs could not be read, 2 usage error.`;

export interface DnsRecordOut {
  name: string;
  type: string;
  value: string;
  /** What the record is for: `DKIM`, `MAIL FROM`, `SPF` or `DMARC`. */
  purpose: string;
}

/** The groups printed, each under a one-line heading, with the output keys they come from. */
const GROUPS: { heading: string; records: { key: string; purpose: DnsRecordOut['purpose'] }[] }[] = [
  {
    heading: 'DKIM: SES signs every message with these keys (three CNAMEs)',
    records: MAIL_DNS_OUTPUTS.dkim.map((key) => ({ key, purpose: 'DKIM' })),
  },
  {
    heading: 'MAIL FROM / SPF: bounces come back to SES, and SPF passes aligned with the From domain',
    records: [
      { key: MAIL_DNS_OUTPUTS.mailFromMx, purpose: 'MAIL FROM' },
      { key: MAIL_DNS_OUTPUTS.mailFromSpf, purpose: 'SPF' },
    ],
  },
  {
    heading: 'DMARC: what receivers do with mail that fails DKIM and SPF alignment, and where they report',
    records: [{ key: MAIL_DNS_OUTPUTS.dmarc, purpose: 'DMARC' }],
  },
];

/** A stack that cannot be read, or lacks the outputs: one sentence on stderr and exit status 1. */
class DnsError extends Error {}

/**
 * `broadsheet dns [--stack <prefix>] [--json]`: the records of the data stack's outputs (src/app/mail-dns.ts), so the
 * desk copies nothing by hand from the console. `outputs` reads a stack's outputs (default: CloudFormation, loaded
 * only here). Returns the exit status.
 */
export async function runDnsCommand(
  argv: string[],
  env: Record<string, string | undefined>,
  outputs?: (stackName: string) => Promise<Record<string, string>>,
): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { stack: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      console.log(DNS_USAGE);
      return 0;
    }
    if (positionals.length) throw new UsageError(`dns takes no argument, not "${positionals[0]}"`);
    if (values.stack !== undefined && !/^[A-Za-z][A-Za-z0-9-]*$/.test(values.stack)) {
      throw new UsageError(
        `--stack takes the stack prefix (letters, digits, hyphens; e.g. ${DEFAULT_STACK_PREFIX}), not "${values.stack}"`,
      );
    }
    const prefix = values.stack ?? (env[STACK_ENV]?.trim() || DEFAULT_STACK_PREFIX);
    const stackName = `${prefix}Data`;
    const read: StackOutputs = outputs ?? (await import('../adapters/stack-outputs.ts')).readStackOutputs;
    const records = dnsRecords(stackName, await readOutputs(read, stackName));
    if (values.json) {
      console.log(JSON.stringify(records, null, 2));
      return 0;
    }
    for (const group of GROUPS) {
      console.log(`# ${group.heading}`);
      for (const r of records.filter((r) => group.records.some((g) => g.purpose === r.purpose)))
        console.log(`${r.name}  ${r.type}  ${r.value}`);
    }
    return 0;
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`broadsheet dns: ${(err as Error).message}\n\n${DNS_USAGE}`);
      return 2;
    }
    if (err instanceof DnsError) {
      console.error(`broadsheet dns: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

/** The stack's outputs; the adapter's errors (matched by name, so the SDK loads only when used) become one sentence. */
async function readOutputs(read: StackOutputs, stackName: string): Promise<Record<string, string>> {
  try {
    return await read(stackName);
  } catch (err) {
    const { name, message } = err as Error;
    if (name === 'NoCredentialsError') {
      throw new DnsError(`${message}; set them for the stack's account, then run broadsheet dns again`, { cause: err });
    }
    if (name === 'StackNotFoundError') {
      throw new DnsError(
        `${message}; deploy it with npx cdk deploy --all, or name its prefix with --stack (or ${STACK_ENV}) and its region with AWS_REGION`,
        { cause: err },
      );
    }
    throw err;
  }
}

/** Every record, in the order of GROUPS; a stack deployed before these outputs existed is told to deploy again. */
export function dnsRecords(stackName: string, outputs: Record<string, string>): DnsRecordOut[] {
  const wanted = GROUPS.flatMap((g) => g.records);
  const missing = wanted.filter(({ key }) => !outputs[key]).map(({ key }) => key);
  if (missing.length) {
    throw new DnsError(
      `stack ${stackName} has no ${missing.join(', ')} output${missing.length > 1 ? 's' : ''} (it was deployed by an earlier version of Broadsheet); ` +
        'deploy this one with npx cdk deploy --all, then run broadsheet dns again',
    );
  }
  return wanted.map(({ key, purpose }) => {
    const record = parseRecordLine(outputs[key]!);
    if (!record)
      throw new DnsError(
        `output ${key} of stack ${stackName} is not a DNS record ("${outputs[key]!.slice(0, 80)}"); deploy this version with npx cdk deploy --all`,
      );
    return { ...record, purpose };
  });
}
