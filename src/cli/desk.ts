import { parseArgs } from 'node:util';
import { setTimeout as delay } from 'node:timers/promises';
// desk-runtime.ts loads no AWS SDK: `check` reads the publication from it and never connects.
import { deskPublication, type StackOutputs } from '../app/desk-runtime.ts';
import type { DeskConnection, DeskConnectOptions } from '../app/desk.ts';
import { ConfigError, type Config } from '../config.ts';
import { BroadsheetError } from '../errors.ts';
import type { Editorial } from '../model.ts';
import { baseName, isSafeSlug } from '../parse/identity.ts';
import { readIndexEntry, visibleEditorial, type IndexEntry } from '../pipeline/publish/index-entry.ts';
import { APPROVED_PREFIX, JSON_TYPE } from '../pipeline/publish/keys.ts';
import { validateApproved } from '../pipeline/publish/validate.ts';
import { PreconditionFailedError, type Clock, type OutgoingEmail, type StoredObject } from '../ports.ts';
import { urls } from '../render/urls.ts';
import { checkEditorialFile, rejectionLine, type CheckedFile } from './desk-check.ts';
import { proofAddresses, proofEmails, proofRecordKey } from './desk-proof.ts';
import { digestProofEmails, type DigestProof } from './desk-digest-proof.ts';
import { isDigestCadence } from '../cadence.ts';
import { PeriodError } from '../pipeline/digest/period.ts';
import { DigestError } from '../pipeline/digest/send-digest.ts';
import { isMarkdownKey, laterThan, withdrawnMarkdown } from './desk-withdraw.ts';
import { UsageError } from './errors.ts';

type Env = Record<string, string | undefined>;

export const DESK_COMMANDS: readonly string[] = ['check', 'approve', 'withdraw', 'proof'];

export const DESK_USAGE = `Usage:
  broadsheet check <file>... [--config <file>]
  broadsheet approve <file> [--stack <prefix>] [--config <file>]
  broadsheet withdraw <slug> [--reason <text>] [--stack <prefix>] [--config <file>]
  broadsheet proof <file> --to <address>[,<address>...] [--stack <prefix>] [--config <file>]
  broadsheet proof --digest <daily|weekly> [--period YYYY-MM-DD] [--lang <tag>] --to <address>[,...]

check     checks editorials with the publish function's own rules, offline, uploading nothing:
          "<file>: ok: <slug>" for each, or "<file>: rejected: <reason>" on standard error.
approve   checks the file, then puts it into approved/<file name> of the editorials bucket,
          where the publish function takes it; the same file name again is a correction.
withdraw  withdraws a published editorial: its page becomes the withdrawal notice, it leaves the
          feeds, partners get a tombstone, and any email of it still going out stops.
proof     sends the email as a subscriber gets it, subject "[PROOF] ...", to each address (at most
          20); its unsubscribe link does nothing. Publishes nothing and queues no dispatch.
          With --digest: the digest of a period (the newest that has ended, unless --period)
          as a reader of every topic gets it, in --lang (default: the publication's).

approve, withdraw and proof act on the local run whose desk.env is sourced, else on the
deployed stack (--stack <prefix>, else BROADSHEET_STACK, else Broadsheet), with AWS credentials.

Exit status: 0 done, 1 rejected or could not act, 2 usage error.`;

export interface DeskCommandDeps {
  env: Env;
  stdout?: (line: string) => void;
  stderr?: (line: string) => void;
  now?: () => Date;
  /** Where approve, withdraw and proof act: src/app/desk.ts (loaded only then), unless given. */
  connect?: (options: DeskConnectOptions) => Promise<DeskConnection>;
  /** A deployed stack's outputs, for the default `connect`: CloudFormation unless given. */
  stackOutputs?: StackOutputs;
}

/** The desk cannot do what was asked: one sentence, exit status 1. */
export class DeskError extends BroadsheetError {
  override name = 'DeskError';
}

/** `--help` was answered: exit 0. */
class HelpShown extends BroadsheetError {}

interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  now: () => Date;
  env: Env;
  connect: (options: DeskConnectOptions) => Promise<DeskConnection>;
}

const COMMON = {
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
const ON_THE_DESK = { ...COMMON, stack: { type: 'string' } } as const;

/** `broadsheet check|approve|withdraw|proof ...`; `args` follow the command. Returns the exit status. */
export async function runDeskCommand(command: string, args: string[], deps: DeskCommandDeps): Promise<number> {
  const io: Io = {
    out: deps.stdout ?? ((line) => void process.stdout.write(`${line}\n`)),
    err: deps.stderr ?? ((line) => void process.stderr.write(`${line}\n`)),
    now: deps.now ?? (() => new Date()),
    env: deps.env,
    connect:
      deps.connect ??
      (async (options) =>
        (await import('../app/desk.ts')).connectDesk(deps.env, {
          ...options,
          ...(deps.stackOutputs && { outputs: deps.stackOutputs }),
        })),
  };
  try {
    if (command === 'check') return await check(args, io);
    if (command === 'approve') return await approve(args, io);
    if (command === 'withdraw') return await withdraw(args, io);
    if (command === 'proof') return await proof(args, io);
    throw new UsageError(`unknown desk command "${command}"`);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`broadsheet ${command}: ${(e as Error).message}\n\n${DESK_USAGE}`);
      return 2;
    }
    if (e instanceof HelpShown) return 0;
    // The publication given (--config, BROADSHEET_CONFIG) is wrong: a configuration error, as for build.
    if (e instanceof ConfigError) {
      io.err(`broadsheet ${command}: ${e.message}`);
      return 2;
    }
    io.err(`broadsheet ${command}: ${e instanceof DeskError ? e.message : whatWentWrong(e)}`);
    return 1;
  }
}

function parse<O extends Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>>(
  args: string[],
  options: O,
  io: Io,
) {
  const parsed = parseArgs({ args, allowPositionals: true, options });
  if ((parsed.values as { help?: boolean }).help) {
    io.out(DESK_USAGE);
    throw new HelpShown('help');
  }
  return parsed;
}

function onlyOne(positionals: string[], what: string, command: string): string {
  if (positionals.length !== 1) throw new UsageError(`${command} takes exactly one ${what}`);
  return positionals[0]!;
}

// ---------------------------------------------------------------------------------------------------------------

async function check(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, COMMON, io);
  if (positionals.length === 0) throw new UsageError('check needs at least one file');
  const config = deskPublication(io.env, values.config);
  // Every file is checked before anything is printed: a mistyped name is a usage error, not a half-printed run.
  const checked: CheckedFile[] = [];
  for (const file of positionals) checked.push(await checkEditorialFile(file, config, io.now()));
  for (const result of checked) {
    if (result.ok) io.out(`${result.file}: ok: ${result.editorial.slug}`);
    else io.err(rejectionLine(result.file, result.rejection));
  }
  return checked.every((result) => result.ok) ? 0 : 1;
}

/** The file checked as the publish function will check it; a rejected file is said and never goes further. */
async function checkedOrRejected(
  file: string,
  config: Config,
  io: Io,
): Promise<Extract<CheckedFile, { ok: true }> | undefined> {
  const checked = await checkEditorialFile(file, config, io.now());
  if (checked.ok) return checked;
  io.err(rejectionLine(file, checked.rejection));
  return undefined;
}

async function connect(io: Io, values: { stack?: string; config?: string }): Promise<DeskConnection> {
  try {
    return await io.connect({
      ...(values.stack !== undefined && { stack: values.stack }),
      ...(values.config !== undefined && { configFile: values.config }),
    });
  } catch (e) {
    throw new DeskError(whereProblem(e), { cause: e });
  }
}

const where = (desk: DeskConnection) =>
  `the editorials bucket ${desk.runtime.editorialsBucket} (${desk.runtime.where})`;

// ---------------------------------------------------------------------------------------------------------------

async function approve(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, ON_THE_DESK, io);
  const file = onlyOne(positionals, 'file', 'approve');
  const config = deskPublication(io.env, values.config);
  const checked = await checkedOrRejected(file, config, io);
  if (!checked) return 1;
  const { editorial, name } = checked;
  const slug = editorial.slug;
  const desk = await connect(io, values);
  const key = `${APPROVED_PREFIX}${name}`;
  const existing = await desk.editorials.get(key, { maxBytes: config.limits.maxEditorialBytes });

  if (existing && !existing.tooLarge && sameBytes(existing.body, checked.body)) {
    io.out(
      `${key} in ${where(desk)} already holds this very file: ${slug} stays approved as it is, nothing was uploaded.`,
    );
    watchLines(io, config, slug);
    return 0;
  }
  const before = existing ? await validateApproved(config, name, existing) : undefined;
  if (before?.ok && before.editorial.slug !== slug) {
    throw new DeskError(
      `${key} holds the editorial "${before.editorial.slug}", not "${slug}": replacing it would leave ${before.editorial.slug} published from an object that no longer holds it, so nothing was uploaded; withdraw it first (npx broadsheet withdraw ${before.editorial.slug}) or give this file another name`,
    );
  }
  const published = (await readIndexEntry(desk.editorials, clockOf(io), slug))?.entry;
  if (published && editorial.updated.getTime() < published.editorial.updated.getTime()) {
    throw new DeskError(
      `${slug} is published in a later version (updated ${published.editorial.updated.toISOString()}) than this file (updated ${editorial.updated.toISOString()}): the publish function would leave this one unpublished, so nothing was uploaded; give it a later "updated:" to correct the editorial`,
    );
  }
  try {
    await desk.editorials.put(key, checked.body, {
      contentType: isMarkdownKey(key) ? 'text/markdown; charset=utf-8' : 'text/plain; charset=utf-8',
      ...(existing ? { ifMatch: existing.etag } : { ifNoneMatch: '*' as const }),
    });
  } catch (e) {
    if (e instanceof PreconditionFailedError)
      throw new DeskError(`${key} changed while it was being approved, so nothing was uploaded: run approve again`, {
        cause: e,
      });
    throw e;
  }

  const action = existing ? `replaced ${key} in ${where(desk)}` : `put ${key} into ${where(desk)}`;
  if (published && visibleEditorial(published).status === 'withdrawn') {
    io.out(`Approved ${slug} again: ${action}; it was withdrawn, and this version publishes it again.`);
  } else if (before?.ok || published) {
    const from = before?.ok
      ? ' with a different version of the same slug'
      : `; it was published from ${published!.sourceKey}, and this version replaces it`;
    io.out(`Approved a correction of ${slug}: ${action}${from}.`);
    const replaced = published?.editorial ?? (before?.ok ? before.editorial : undefined);
    if (replaced) laterVersionNote(io, editorial, replaced);
    io.out(
      'The publish function updates its page, the feeds and partners; subscribers get no second email unless the front matter says resend: true.',
    );
  } else {
    io.out(`Approved ${slug}: ${action}${before ? ', which held a file the publish function had rejected' : ''}.`);
    io.out(
      'The publish function takes it from there: the page, the feeds and partners, then the email to subscribers.',
    );
  }
  if (editorial.status === 'withdrawn')
    io.out('Its front matter says status: withdrawn, so its page shows the withdrawal notice and no email is sent.');
  else if (editorial.embargo && editorial.embargo.getTime() > io.now().getTime()) {
    io.out(
      `It is embargoed until ${editorial.embargo.toISOString()}: partners get it now, marked with the embargo; the page, the feeds and the email wait until then.`,
    );
  }
  watchLines(io, config, slug);
  return 0;
}

function watchLines(io: Io, config: Config, slug: string): void {
  io.out(`  Watch:  npx broadsheet dispatch status ${slug} --watch`);
  io.out(`  Page:   ${urls.page(config, slug)}`);
}

/** Feeds show a correction by its later `updated`; a version that is not later replaces the text but is not shown as updated. */
function laterVersionNote(io: Io, version: Editorial, replaced: Editorial): void {
  if (version.updated.getTime() > replaced.updated.getTime()) return;
  io.out(
    `Its "updated" (${version.updated.toISOString()}) is not later than the version it replaces (${replaced.updated.toISOString()}), so feeds will not show it as updated: give it a later "updated:" to mark the correction.`,
  );
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return (
    a.byteLength === b.byteLength &&
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
  );
}

// ---------------------------------------------------------------------------------------------------------------

const WITHDRAWAL_EFFECTS =
  'The publish function replaces its page with the withdrawal notice, takes it out of the feeds and sitemaps, sends partners a tombstone';

async function withdraw(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { ...ON_THE_DESK, reason: { type: 'string' } }, io);
  const slug = onlyOne(positionals, 'slug', 'withdraw');
  const reason = values.reason?.replace(/\s+/g, ' ').trim();
  if (values.reason !== undefined && !reason) throw new UsageError('--reason needs the reason in words');
  const desk = await connect(io, values);
  const config = desk.runtime.publication;
  const unknown = `no editorial with the slug "${slug}" has been published in ${desk.runtime.where}: give the slug as its page URL and feeds show it (the file name without its extension, or the front matter's "slug:")`;
  if (!isSafeSlug(slug)) throw new DeskError(unknown);
  const stored = await readIndexEntry(desk.editorials, clockOf(io), slug);
  if (!stored) throw new DeskError(unknown);
  const entry = stored.entry;
  if (visibleEditorial(entry).status === 'withdrawn') {
    const since = entry.removedAt
      ? `its approved object was removed at ${entry.removedAt.toISOString()}`
      : `its version of ${entry.editorial.updated.toISOString()} says status: withdrawn`;
    io.out(`${slug} is already withdrawn (${since}); nothing to do.`);
    return 0;
  }
  const source = await desk.editorials.get(entry.sourceKey);
  if (!source) {
    io.out(
      `${slug} is already being withdrawn: its approved object ${entry.sourceKey} is gone, and the publish function withdraws it as it takes the deletion.`,
    );
    return 0;
  }
  if (isMarkdownKey(entry.sourceKey)) {
    const outcome = await withdrawInPlace(io, desk, config, entry, source, reason);
    if (outcome !== undefined) return outcome;
  }
  await desk.editorials.delete(entry.sourceKey);
  io.out(`Withdrew ${slug}: deleted ${entry.sourceKey} from ${where(desk)}.`);
  io.out(`${WITHDRAWAL_EFFECTS}, and stops any email of it still going out.`);
  if (reason) {
    const note = `desk/withdrawals/${slug}.json`;
    const record = { slug, reason, at: io.now().toISOString(), approvedKey: entry.sourceKey };
    await desk.editorials.put(note, `${JSON.stringify(record, null, 2)}\n`, { contentType: JSON_TYPE });
    io.out(
      `The pipeline carries no reason for a withdrawn plain-text editorial, so the reason is recorded in ${note} in the editorials bucket, for the desk only.`,
    );
  }
  io.out(`  Page:   ${urls.page(config, slug)}`);
  return 0;
}

/**
 * A Markdown editorial withdraws itself: its approved object again, `status: withdrawn`, a later `updated`, the
 * reason as its note. Undefined when its front matter cannot carry that (the caller deletes the object instead).
 */
async function withdrawInPlace(
  io: Io,
  desk: DeskConnection,
  config: Config,
  entry: IndexEntry,
  source: StoredObject,
  reason: string | undefined,
): Promise<number | undefined> {
  const slug = entry.editorial.slug;
  const name = baseName(entry.sourceKey);
  const current = await validateApproved(config, name, source);
  if (current.ok && current.editorial.slug === slug && current.editorial.status === 'withdrawn') {
    io.out(
      `${slug} is already being withdrawn: ${entry.sourceKey} says status: withdrawn, and the publish function withdraws it as it takes that version.`,
    );
    return 0;
  }
  const now = io.now();
  const text = withdrawnMarkdown(source.body, {
    updated: laterThan(entry.editorial.updated, now, entry.editorial.published),
    published: entry.editorial.published,
    ...(reason && { reason }),
  });
  if (text === undefined) return undefined;
  const body = new TextEncoder().encode(text);
  const withdrawn = await validateApproved(config, name, { body, lastModified: now });
  if (!withdrawn.ok || withdrawn.editorial.slug !== slug || withdrawn.editorial.status !== 'withdrawn')
    return undefined;
  try {
    await desk.editorials.put(entry.sourceKey, body, {
      contentType: 'text/markdown; charset=utf-8',
      ifMatch: source.etag,
    });
  } catch (e) {
    if (e instanceof PreconditionFailedError)
      throw new DeskError(
        `${entry.sourceKey} changed while ${slug} was being withdrawn, so nothing was changed: run withdraw again`,
        { cause: e },
      );
    throw e;
  }
  io.out(
    `Withdrew ${slug}: ${entry.sourceKey} in ${where(desk)} now says status: withdrawn${reason ? ', with the reason as its note' : ''}.`,
  );
  io.out(`${WITHDRAWAL_EFFECTS}${reason ? ' carrying the reason' : ''}, and stops any email of it still going out.`);
  io.out(`  Page:   ${urls.page(config, slug)}`);
  return 0;
}

// ---------------------------------------------------------------------------------------------------------------

async function proof(args: string[], io: Io): Promise<number> {
  const options = {
    ...ON_THE_DESK,
    to: { type: 'string', multiple: true },
    digest: { type: 'string' },
    period: { type: 'string' },
    lang: { type: 'string' },
  } as const;
  const { values, positionals } = parse(args, options, io);
  if (values.digest !== undefined) return proofDigest(positionals, values, io);
  if (values.period !== undefined || values.lang !== undefined)
    throw new UsageError('--period and --lang go with --digest <daily|weekly>');
  const file = onlyOne(positionals, 'file', 'proof');
  const to = proofAddresses(values.to ?? []);
  const config = deskPublication(io.env, values.config);
  const checked = await checkedOrRejected(file, config, io);
  if (!checked) return 1;
  const slug = checked.editorial.slug;
  const desk = await connect(io, values);
  const at = io.now();
  const { subject, unsubscribeUrl, emails } = await proofEmails(
    checked.editorial,
    config,
    to,
    desk.runtime.configurationSet,
  );
  const { sent, failed } = await sendProofs(desk, emails, io);
  const key = proofRecordKey(at, slug);
  const record = { slug, subject, ...proofSends(sent, failed), at: at.toISOString() };
  await desk.editorials.put(key, `${JSON.stringify(record, null, 2)}\n`, { contentType: JSON_TYPE });
  io.out(
    `Sent the proof of ${slug} ("${subject}") to ${sent.length} of ${emails.length} address${emails.length === 1 ? '' : 'es'}; recorded in ${key} in ${where(desk)}.`,
  );
  io.out(
    `Nothing was published and no dispatch was queued. Its unsubscribe link, ${unsubscribeUrl}, changes nothing and says so.`,
  );
  return failed.length > 0 ? 1 : 0;
}

/** `proof --digest <cadence> [--period YYYY-MM-DD] [--lang <tag>] --to ...`: a period's digest, planned for no one. */
async function proofDigest(
  positionals: string[],
  values: { digest?: string; period?: string; lang?: string; to?: string[]; stack?: string; config?: string },
  io: Io,
): Promise<number> {
  if (positionals.length > 0) throw new UsageError('proof --digest takes no file: the digest lists what was published');
  const cadence = values.digest;
  if (!isDigestCadence(cadence)) throw new UsageError('--digest takes daily or weekly');
  const to = proofAddresses(values.to ?? []);
  const config = deskPublication(io.env, values.config);
  const desk = await connect(io, values);
  let proof: DigestProof;
  try {
    proof = await digestProofEmails(
      { editorials: desk.editorials, clock: clockOf(io) },
      config,
      {
        cadence,
        to,
        ...(values.period !== undefined && { period: values.period }),
        ...(values.lang !== undefined && { language: values.lang }),
      },
      desk.runtime.configurationSet,
    );
  } catch (e) {
    if (e instanceof PeriodError || e instanceof DigestError) throw new DeskError(e.message, { cause: e });
    throw e;
  }
  const { period } = proof;
  if (proof.editorials === 0)
    throw new DeskError(
      `nothing became public in the ${cadence} period ${period.id} (${period.start.toISOString()} to ${period.end.toISOString()}): its digest would not be sent, so there is nothing to proof; give another --period`,
    );
  const { sent, failed } = await sendProofs(desk, proof.emails, io);
  const at = io.now();
  const key = proofRecordKey(at, `digest-${cadence}-${period.id}`);
  const record = {
    digest: `digest-${cadence}-${period.id}`,
    subject: proof.subject,
    ...proofSends(sent, failed),
    at: at.toISOString(),
  };
  await desk.editorials.put(key, `${JSON.stringify(record, null, 2)}\n`, { contentType: JSON_TYPE });
  io.out(
    `Sent the proof of the ${cadence} digest of ${period.id} (${proof.editorials} editorials, "${proof.subject}") to ${sent.length} of ${proof.emails.length} address${proof.emails.length === 1 ? '' : 'es'}; recorded in ${key} in ${where(desk)}.`,
  );
  io.out(`Nothing was planned. Its unsubscribe link, ${proof.unsubscribeUrl}, changes nothing and says so.`);
  return failed.length > 0 ? 1 : 0;
}

interface ProofSends {
  sent: { to: string; messageId: string }[];
  failed: { to: string; reason: string }[];
}

/** Sends each proof on its own: an address SES refuses is named on standard error, and the others still go. */
async function sendProofs(desk: DeskConnection, emails: OutgoingEmail[], io: Io): Promise<ProofSends> {
  const sends: ProofSends = { sent: [], failed: [] };
  for (const email of emails) {
    try {
      const { messageId } = await desk.mailer.send(email);
      sends.sent.push({ to: email.to, messageId });
      io.out(`${email.to}: sent, SES message id ${messageId}`);
    } catch (e) {
      const reason = whatWentWrong(e);
      sends.failed.push({ to: email.to, reason });
      io.err(`${email.to}: not sent: ${reason}`);
    }
  }
  return sends;
}

/** What a proof's record says of its sends: who got it, SES's message ids, and who did not and why. */
const proofSends = (sent: ProofSends['sent'], failed: ProofSends['failed']) => ({
  to: sent.map((s) => s.to),
  messageIds: sent.map((s) => s.messageId),
  ...(failed.length > 0 && { failed }),
});

// ---------------------------------------------------------------------------------------------------------------

function clockOf(io: Io): Clock {
  return { now: io.now, sleep: (ms) => delay(Math.max(0, ms)) };
}

const LOCAL_RUN = 'for a local run, source the desk.env that npm start -- --serve wrote';

/** Why the desk could not be found, and what to do: deploy, name the stack, set credentials, or source desk.env. */
function whereProblem(e: unknown): string {
  const { name, message } = e as Error;
  if (name === 'NoCredentialsError' || name === 'CredentialsProviderError') {
    return `no AWS credentials were found: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) for the account the stack is deployed in, or, ${LOCAL_RUN}`;
  }
  if (name === 'StackNotFoundError' && /Region is missing/i.test(message)) {
    return `no AWS region is set: set AWS_REGION (or AWS_PROFILE with a region) to the region the stack is deployed in, or, ${LOCAL_RUN}`;
  }
  // The adapter's own sentence may already say what to do.
  if (name === 'StackNotFoundError' && /desk\.env/.test(message)) return message;
  if (name === 'StackNotFoundError' && /does not exist|was not found/.test(message)) {
    return `${message}: deploy it (npx cdk deploy --all), name the prefix it was deployed with (--stack <prefix> or BROADSHEET_STACK), or, ${LOCAL_RUN}`;
  }
  if (name === 'StackNotFoundError') {
    return `${message}: check the network and that these credentials may read the stack in that region, name the prefix it was deployed with (--stack <prefix>), or, ${LOCAL_RUN}`;
  }
  if (name === 'ConfigError') return message;
  return `cannot find where the desk acts (${message || name}): name the deployed stack with --stack <prefix>, or, ${LOCAL_RUN}`;
}

/** Any other failure in one sentence, with what to do where that is known; never a stack trace. */
function whatWentWrong(e: unknown): string {
  const { name, message } = e as Error;
  if (name === 'CredentialsProviderError' || name === 'NoCredentialsError') return whereProblem(e);
  const refused =
    [e, (e as { cause?: unknown }).cause].some((x) => (x as { code?: string } | undefined)?.code === 'ECONNREFUSED') ||
    /ECONNREFUSED/.test(message ?? '');
  if (refused)
    return `the connection was refused (${message || name}): if the local run has stopped, start it again with npm start -- --serve and source its new desk.env`;
  return message || name || String(e);
}
