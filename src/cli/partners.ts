import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  ConfigError,
  type Config,
  configFrom,
  isSamplePartner,
  loadConfig,
  PARTNER_FORMATS,
  type PartnerConfig,
} from '../config.ts';
import {
  DEVELOPMENT_SECRET_WARNING,
  partnerPath,
  partnerSecretFrom,
  PARTNERS_FOLDER,
  PARTNER_SECRET_ENV,
} from '../partners/paths.ts';
import { PartnerRegistryError, PARTNER_REGISTRY_KEY, type RawPartner } from '../partners/registry.ts';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, webhookKey } from '../partners/webhooks.ts';
import { RUNTIME_ENV } from '../app/runtime-config.ts';
import type { PickupDesk } from '../app/pickup-desk.ts';
import { UsageError } from './errors.ts';
import { parseSince, partnersAskedFor, reportJson, reportLines } from './partners-report.ts';
import { addEdit, describePartner, partnerLines, removeEdit, rotateEdit, type PartnerEdit } from './partner-edits.ts';

export const PARTNERS_USAGE = `Usage:
  broadsheet partners list [--config <file>] [--stack]
  broadsheet partners add <id> --name <name> --formats ${PARTNER_FORMATS.join(',')} (--config <file> | --stack)
                          [--topics <topic>,<topic>] [--webhook https://...]
                          [--usage-terms <text>] [--copyright-holder <name>]
  broadsheet partners rotate <id> (--config <file> | --stack)
  broadsheet partners remove <id> (--config <file> | --stack)
  broadsheet partners webhook-key <id> [--config <file>] [--stack]
  broadsheet partners report [<id>] [--since <time>] [--json] [--config <file>]

list         prints each partner's id, name, formats, topics and current path (derived with
             ${PARTNER_SECRET_ENV}, at least 32 characters; a development secret when unset)
add          appends a partner to the configuration file (made when missing), checked like the whole file
rotate       gives the partner a new path (its rotation + 1) and prints it: the next build writes the
             partner's feeds there, and no longer at the old one
remove       takes the partner out of the configuration; with --stack also deletes every object under
             its path (its feeds stop answering at once) and its catalogue scope. Its webhook, if any, is
             sent nothing: tell the partner to take down what it holds
webhook-key  prints the key the partner checks ${SIGNATURE_HEADER} with, and how
report       the pickup report: per partner (or <id> alone), when each of its documents was last fetched,
             whether it fetched each item changed since --since (an ISO time, or 24h, 7d; default 7d)
             after the change, and each webhook delivery's outcome; --json for a script. From the
             distribution's access logs and the ledger of the stack (BROADSHEET_STACK, default Broadsheet),
             or of a local run with its desk.env sourced; needs ${PARTNER_SECRET_ENV} as --stack does

--stack      works on the deployed pipeline instead of a file: the partner registry
             s3://$EDITORIALS_BUCKET/${PARTNER_REGISTRY_KEY}, which the publish function reads at every
             run (the configuration's partners until the first add or rotate makes it), and the feeds in
             $PUBLIC_BUCKET. add writes the partner's feeds at once (empty until its next editorial);
             rotate writes them at the new path and deletes every object under the old one, at once.
             Needs AWS credentials, EDITORIALS_BUCKET, PUBLIC_BUCKET and the stack's partner secret in
             ${PARTNER_SECRET_ENV}; --config names the deployed publication configuration.
             BROADSHEET_LOCAL_ENDPOINTS points it at a local run.`;

export interface PartnersCommandDeps {
  env: Record<string, string | undefined>;
  /** Where `report` reads from (src/app/pickup-desk.ts); a test gives fakes. */
  pickupDesk?: PickupDeskFactory;
  stdout?: (line: string) => void;
  stderr?: (line: string) => void;
}

/** `broadsheet partners ...`; `args` start after "partners". Returns the exit status. */
export async function runPartnersCommand(args: string[], deps: PartnersCommandDeps): Promise<number> {
  const out = deps.stdout ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const err = deps.stderr ?? ((line: string) => void process.stderr.write(`${line}\n`));
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        name: { type: 'string' },
        formats: { type: 'string' },
        topics: { type: 'string' },
        webhook: { type: 'string' },
        'usage-terms': { type: 'string' },
        'copyright-holder': { type: 'string' },
        stack: { type: 'boolean' },
        since: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    const [command, ...rest] = positionals;
    if (values.help) {
      out(PARTNERS_USAGE);
      return 0;
    }
    const adding = ['name', 'formats', 'topics', 'webhook', 'usage-terms', 'copyright-holder'].filter(
      (key) => values[key as keyof typeof values] !== undefined,
    );
    if (command !== 'add' && adding.length) throw new UsageError(`--${adding[0]} is for add`);
    if (command === 'list' && rest.length) throw new UsageError('list takes no partner id');
    const reporting = (['since', 'json'] as const).filter((key) => values[key] !== undefined);
    if (command !== 'report' && reporting.length) throw new UsageError(`--${reporting[0]} is for report`);
    if (command === 'report') {
      if (rest.length > 1) throw new UsageError('report takes at most one partner id');
      if (values.stack) throw new UsageError('report reads the deployed stack (or a sourced desk.env) without --stack');
      return await report(rest[0], values, deps, out, err);
    }
    if (!command || !['list', 'add', 'rotate', 'remove', 'webhook-key'].includes(command)) {
      throw new UsageError(
        command
          ? `unknown partners command "${command}"`
          : 'partners needs list, add, rotate or remove (or webhook-key, report)',
      );
    }
    if (command !== 'list' && rest.length !== 1) throw new UsageError(`${command} takes exactly one partner id`);
    if (values.stack) return await onStack(command, rest[0], values, deps.env, out, err);
    if (command === 'list') {
      list(loadConfig(values.config).partners, deps.env, out, err);
      return 0;
    }
    const id = rest[0]!;
    if (command === 'webhook-key') {
      const secret = partnerSecretFrom(deps.env);
      printWebhookKey(
        findPartner(loadConfig(values.config).partners, id, values.config ?? 'the built-in configuration'),
        secret.value,
        out,
        err,
      );
      if (secret.development) err(DEVELOPMENT_SECRET_WARNING);
      return 0;
    }
    if (!values.config) throw new UsageError(`${command} writes the configuration: name it with --config <file>`);
    const secret = partnerSecretFrom(deps.env);
    if (command === 'add') {
      const partner = await change(values.config, true, addEdit(id, values));
      out(`Added ${partner.id} (${partner.name}) to ${values.config}: ${describePartner(partner, secret.value)}`);
    } else if (command === 'remove') {
      const removed = await removeFromFile(values.config, id);
      out(
        `Removed ${id} from ${values.config}: the next build writes no feeds for it; delete ${PARTNERS_FOLDER}/${partnerPath(secret.value, removed)}/ wherever an earlier build was served.`,
      );
    } else {
      const partner = await change(values.config, false, rotateEdit(id, values.config));
      out(
        `Rotated ${partner.id} to rotation ${partner.rotation}: its feeds move to ${PARTNERS_FOLDER}/${partnerPath(secret.value, partner)}/ at the next build.`,
      );
    }
    if (secret.development) err(DEVELOPMENT_SECRET_WARNING);
    return 0;
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`broadsheet partners: ${(e as Error).message}\n\n${PARTNERS_USAGE}`);
      return 2;
    }
    if (e instanceof ConfigError || e instanceof PartnerRegistryError) {
      err(`broadsheet partners: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

function list(
  partners: readonly PartnerConfig[],
  env: Record<string, string | undefined>,
  out: (line: string) => void,
  err: (line: string) => void,
): void {
  const secret = partnerSecretFrom(env);
  if (secret.development && !partners.every(isSamplePartner)) err(DEVELOPMENT_SECRET_WARNING);
  for (const line of partnerLines(partners, secret.value)) out(line);
}

function findPartner(partners: readonly PartnerConfig[], id: string, where: string): PartnerConfig {
  const partner = partners.find((p) => p.id === id);
  if (!partner) throw new UsageError(`no partner "${id}" in ${where}`);
  return partner;
}

/** The key alone on the first line (for a script), then how the partner checks a delivery with it. */
function printWebhookKey(
  partner: PartnerConfig,
  secret: string,
  out: (line: string) => void,
  err: (line: string) => void,
): void {
  out(webhookKey(secret, partner.id, partner.rotation));
  out(
    `${SIGNATURE_HEADER}: t=<unix seconds>,v2=<hex>; v2 must equal the hex HMAC-SHA256 of "<t>.<${EVENT_ID_HEADER}>.<raw request body>" keyed with the line above (as text): compare in constant time and refuse a t more than 5 minutes old. The key changes when the partner is rotated.`,
  );
  if (!partner.webhook) err(`note: ${partner.id} has no webhook yet, so nothing is signed for it until one is added`);
}

/** `--stack`: the deployed partner registry, wired in src/app (loaded only here, so a build never loads the AWS SDK). */
async function onStack(
  command: string,
  id: string | undefined,
  values: Record<string, string | boolean | undefined>,
  env: Record<string, string | undefined>,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const config = loadConfig(typeof values.config === 'string' ? values.config : undefined);
  if (values.config === undefined && command !== 'list' && command !== 'webhook-key') {
    err(
      `warning: no --config: the partner's documents name the built-in publication's site (${config.publication.siteUrl}); give the deployed configuration`,
    );
  }
  const { partnerDeskDeps } = await import('../app/partner-desk.ts');
  const stack = await import('./partners-stack.ts');
  const deps = partnerDeskDeps(config, env);
  if (command === 'list') await stack.listOnStack(deps, out);
  else if (command === 'add') await stack.addOnStack(deps, id!, values, out);
  else if (command === 'rotate') await stack.rotateOnStack(deps, id!, out);
  else if (command === 'remove') await stack.removeOnStack(deps, id!, out);
  else {
    const { partners, from } = await stack.stackPartners(deps);
    // The stack signs with its own webhook secret; a local run (no such variable) with the partner secret.
    printWebhookKey(findPartner(partners, id!, from), env[RUNTIME_ENV.webhookSecret] ?? deps.partnerSecret, out, err);
  }
  return 0;
}

/**
 * Reads the configuration file, changes its partners (those of the defaults when the file names none), checks the
 * whole result as a build would, and only then writes it back; returns the partner changed, as checked.
 */
async function change(file: string, mayCreate: boolean, edit: PartnerEdit): Promise<PartnerConfig> {
  let raw: Record<string, unknown> = {};
  try {
    raw = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    if (!(mayCreate && (e as { code?: string }).code === 'ENOENT'))
      throw new ConfigError(`${file}: cannot read configuration: ${(e as Error).message}`, { cause: e });
  }
  const before = configFrom(raw, file);
  const partners = (Array.isArray(raw.partners) ? raw.partners : structuredClone(before.partners)) as RawPartner[];
  const at = edit(partners);
  const next = { ...raw, partners };
  let checked: ReturnType<typeof configFrom>;
  try {
    checked = configFrom(next, file);
  } catch (e) {
    // The file is as it was: what was asked for is the mistake.
    if (e instanceof ConfigError) throw new UsageError(e.message, { cause: e });
    throw e;
  }
  await writeFile(file, `${JSON.stringify(next, null, 2)}\n`);
  return checked.partners[at]!;
}

/** `remove` on a file: the partner as the file had it (for its path), once the rest is checked and written. */
async function removeFromFile(file: string, id: string): Promise<PartnerConfig> {
  const before = loadConfig(file).partners.find((p) => p.id === id);
  await change(file, false, removeEdit(id, file));
  return before!;
}

export type PickupDeskFactory = (env: Record<string, string | undefined>, config: Config) => Promise<PickupDesk>;

/** Exit 0 with the report; 1 when the stack cannot be read (said in one sentence). */
async function report(
  id: string | undefined,
  values: { config?: string; since?: string; json?: boolean },
  deps: PartnersCommandDeps,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const config = loadConfig(values.config);
  const since = parseSince(values.since, new Date());
  const open = deps.pickupDesk ?? (await import('../app/pickup-desk.ts')).pickupDesk;
  let desk: PickupDesk;
  try {
    desk = await open(deps.env, config);
  } catch (e) {
    const name = (e as Error).name;
    if (name !== 'NoCredentialsError' && name !== 'StackNotFoundError') throw e;
    err(`broadsheet partners report: ${(e as Error).message}`);
    return 1;
  }
  const partners = partnersAskedFor(await desk.partners(), id);
  const { partnerPickups } = await import('../pipeline/pickup/report.ts');
  const reports = await partnerPickups(desk.deps, partners, since);
  const nothingFetched = reports.every((r) => r.documents.every((d) => d.fetches === 0));
  const note = nothingFetched ? desk.noFetchesNote() : undefined;
  const notes = note ? [note] : [];
  if (values.json) out(JSON.stringify(reportJson(reports, notes), null, 2));
  else for (const line of reportLines(reports, notes)) out(line);
  return 0;
}
