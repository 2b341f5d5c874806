import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ConfigError, configFrom, isSamplePartner, loadConfig, PARTNER_FORMATS, type PartnerConfig } from '../config.ts';
import { DEVELOPMENT_SECRET_WARNING, partnerPath, partnerSecretFrom, PARTNERS_FOLDER, PARTNER_SECRET_ENV } from '../partners/paths.ts';
import { UsageError } from './errors.ts';

export const PARTNERS_USAGE = `Usage:
  broadsheet partners list [--config <file>]
  broadsheet partners add <id> --name <name> --formats ${PARTNER_FORMATS.join(',')} --config <file>
                          [--topics <topic>,<topic>] [--webhook https://...]
                          [--usage-terms <text>] [--copyright-holder <name>]
  broadsheet partners rotate <id> --config <file>

list    prints each partner's id, name, formats, topics and current path (derived with
        ${PARTNER_SECRET_ENV}, at least 32 characters; a development secret when unset)
add     appends a partner to the configuration file (made when missing), checked like the whole file
rotate  gives the partner a new path (its rotation + 1) and prints it: the next build writes the
        partner's feeds there, and no longer at the old one`;

export interface PartnersCommandDeps {
  env: Record<string, string | undefined>;
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
        help: { type: 'boolean', short: 'h' },
      },
    });
    const [command, ...rest] = positionals;
    if (values.help) {
      out(PARTNERS_USAGE);
      return 0;
    }
    const adding = ['name', 'formats', 'topics', 'webhook', 'usage-terms', 'copyright-holder'].filter((key) => values[key as keyof typeof values] !== undefined);
    if (command !== 'add' && adding.length) throw new UsageError(`--${adding[0]} is for add`);
    if (command === 'list') {
      if (rest.length) throw new UsageError('list takes no partner id');
      list(loadConfig(values.config).partners, deps.env, out, err);
      return 0;
    }
    if (command !== 'add' && command !== 'rotate') throw new UsageError(command ? `unknown partners command "${command}"` : 'partners needs list, add or rotate');
    if (rest.length !== 1) throw new UsageError(`${command} takes exactly one partner id`);
    if (!values.config) throw new UsageError(`${command} writes the configuration: name it with --config <file>`);
    const id = rest[0]!;
    const secret = partnerSecretFrom(deps.env);
    if (command === 'add') {
      const partner = await change(values.config, true, (partners) => {
        if (partners.some((p) => p.id === id)) throw new UsageError(`there is already a partner "${id}"`);
        partners.push(newPartner(id, values));
        return partners.length - 1;
      });
      out(`Added ${partner.id} (${partner.name}) to ${values.config}: ${describe(partner, secret.value)}`);
    } else {
      const partner = await change(values.config, false, (partners) => {
        const at = partners.findIndex((p) => p.id === id);
        if (at < 0) throw new UsageError(`no partner "${id}" in ${values.config}`);
        const rotation = partners[at]!.rotation ?? 0;
        partners[at] = { ...partners[at]!, rotation: (typeof rotation === 'number' ? rotation : 0) + 1 };
        return at;
      });
      out(`Rotated ${partner.id} to rotation ${partner.rotation}: its feeds move to ${PARTNERS_FOLDER}/${partnerPath(secret.value, partner)}/ at the next build.`);
    }
    if (secret.development) err(DEVELOPMENT_SECRET_WARNING);
    return 0;
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`broadsheet partners: ${(e as Error).message}\n\n${PARTNERS_USAGE}`);
      return 2;
    }
    if (e instanceof ConfigError) {
      err(`broadsheet partners: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

function list(partners: readonly PartnerConfig[], env: Record<string, string | undefined>, out: (line: string) => void, err: (line: string) => void): void {
  const secret = partnerSecretFrom(env);
  if (secret.development && !partners.every(isSamplePartner)) err(DEVELOPMENT_SECRET_WARNING);
  if (!partners.length) out('No partners configured.');
  for (const partner of partners) {
    out(`${partner.id}\t${partner.name}`);
    out(`  formats  ${partner.formats.join(', ')}`);
    out(`  topics   ${partner.topics ? partner.topics.join(', ') : 'every topic'}`);
    out(`  path     ${PARTNERS_FOLDER}/${partnerPath(secret.value, partner)}/  (rotation ${partner.rotation})`);
  }
}

function describe(partner: PartnerConfig, secret: string): string {
  return `${partner.formats.join(', ')}; ${partner.topics ? `topics ${partner.topics.join(', ')}` : 'every topic'}; path ${PARTNERS_FOLDER}/${partnerPath(secret, partner)}/`;
}

type RawPartner = Record<string, unknown>;

function newPartner(id: string, values: Record<string, string | boolean | undefined>): RawPartner {
  const list = (value: unknown) => (typeof value === 'string' ? value.split(',').map((part) => part.trim()) : undefined);
  if (values.name === undefined) throw new UsageError('add needs --name <name>');
  if (values.formats === undefined) throw new UsageError(`add needs --formats, some of ${PARTNER_FORMATS.join(',')}`);
  const partner: RawPartner = { id, name: values.name, formats: list(values.formats) };
  if (values.topics !== undefined) partner.topics = list(values.topics);
  if (values.webhook !== undefined) partner.webhook = values.webhook;
  if (values['usage-terms'] !== undefined) partner.usageTerms = values['usage-terms'];
  if (values['copyright-holder'] !== undefined) partner.copyrightHolder = values['copyright-holder'];
  partner.rotation = 0;
  return partner;
}

/**
 * Reads the configuration file, changes its partners (those of the defaults when the file names none), checks the
 * whole result as a build would, and only then writes it back; returns the partner changed, as checked.
 */
async function change(file: string, mayCreate: boolean, edit: (partners: RawPartner[]) => number): Promise<PartnerConfig> {
  let raw: Record<string, unknown> = {};
  try {
    raw = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    if (!(mayCreate && (e as { code?: string }).code === 'ENOENT')) throw new ConfigError(`${file}: cannot read configuration: ${(e as Error).message}`);
  }
  const before = configFrom(raw, file);
  const partners = (Array.isArray(raw.partners) ? raw.partners : structuredClone(before.partners)) as RawPartner[];
  const at = edit(partners);
  const next = { ...raw, partners };
  let checked;
  try {
    checked = configFrom(next, file);
  } catch (e) {
    // The file is as it was: what was asked for is the mistake.
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  await writeFile(file, `${JSON.stringify(next, null, 2)}\n`);
  return checked.partners[at]!;
}
