import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { build } from './build.ts';
import { UsageError } from './errors.ts';
import { preview } from './preview.ts';
import { runSubscribersCommand, SUBSCRIBERS_USAGE } from './subscribers.ts';
import { CATALOGUE_USAGE, checkCatalogueArgs, runCatalogueCommand } from './catalogue.ts';
import { PARTNERS_USAGE, runPartnersCommand } from './partners.ts';
import { partnerSecretFrom } from '../partners/paths.ts';
import { DESK_COMMANDS, DESK_USAGE, runDeskCommand } from './desk.ts';
import { DISPATCH_USAGE } from './dispatch.ts';
import { dispatchMain } from './dispatch-main.ts';
import { DIGEST_USAGE } from './digest.ts';
import { digestMain } from './digest-main.ts';
import { DNS_USAGE, runDnsCommand } from './dns.ts';

export const USAGE = `Usage:
  broadsheet build <file-or-folder>... --out <dir> [--config <file>] [--date YYYY-MM-DD]
  broadsheet preview <file> [--config <file>] [--date YYYY-MM-DD]

build    renders every .txt and .md editorial given (folders: their files) into <dir>:
         feeds/rss.xml, feeds/atom.xml, feeds/feed.json, editorials/<slug>/{index.html,
         email.html, email.txt, email.eml, ninjs.json} and rejected.json, the rest of the
         site, each partner's feeds in partners/<path>/ and partners.json (the paths come
         from BROADSHEET_PARTNER_SECRET, at least 32 characters).
preview  renders one editorial the same way into a temporary folder and prints the paths.

--config  a JSON file overriding broadsheet.config.json (default: the sample publication)
--date    publication date for editorials that carry none (default: the date in the file
          name, else the file's modification time)

Exit status: 0 all built, 1 some editorials rejected (listed on standard error and in
rejected.json), 2 usage or configuration error.

The desk (on the deployed stack, or on a local run with its desk.env sourced; check needs neither):
${DESK_USAGE.replace(/^Usage:\n/, '')}

Partners (in a configuration file, or on the deployed stack with --stack):
${PARTNERS_USAGE.replace(/^Usage:\n/, '')}

Subscribers (on the deployed table, or a local run's with its desk.env sourced):
${SUBSCRIBERS_USAGE.replace(/^Usage:\n/, '')}

Dispatches (watch, pause, resume, cancel; on the deployed stack, or a local run with its desk.env sourced):
${DISPATCH_USAGE.replace(/^Usage:\n/, '')}

Digests (daily and weekly; on the deployed stack, or a local run with its desk.env sourced):
${DIGEST_USAGE.replace(/^Usage:\n/, '')}

Catalogue (on the deployed buckets):
${CATALOGUE_USAGE.replace(/^Usage:\n/, '')}

DNS records of the sending domain (from the deployed data stack):
${DNS_USAGE.replace(/^Usage:\n/, '')}`;

/** Runs the command line; returns the exit status. `env` holds BROADSHEET_PARTNER_SECRET. */
export async function main(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  try {
    if (argv[0] === 'partners') return await runPartnersCommand(argv.slice(1), { env });
    if (argv[0] === 'dispatch') return await dispatchMain(argv.slice(1), env);
    if (argv[0] === 'digest') return await digestMain(argv.slice(1), env);
    if (argv[0] === 'dns') return await runDnsCommand(argv.slice(1), env);
    if (argv[0] !== undefined && DESK_COMMANDS.includes(argv[0]))
      return await runDeskCommand(argv[0], argv.slice(1), { env });
    if (argv[0] === 'subscribers' || argv[0] === 'catalogue') {
      const configAt = argv.indexOf('--config');
      const configFile = configAt > 0 ? argv[configAt + 1] : undefined;
      const config = loadConfig(configFile);
      const rest = configAt > 0 ? argv.filter((_, i) => i !== configAt && i !== configAt + 1) : argv;
      if (argv[0] === 'catalogue') checkCatalogueArgs(rest.slice(1));
      // Loaded only here, so building editorials never loads the AWS SDK.
      const { catalogueCommandDeps, subscribersCommandDeps } = await import('../app/cli.ts');
      if (argv[0] === 'catalogue') return await runCatalogueCommand(rest.slice(1), catalogueCommandDeps(config));
      return await runSubscribersCommand(rest.slice(1), subscribersCommandDeps(configFile, env));
    }
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        config: { type: 'string' },
        date: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    const [command, ...inputs] = positionals;
    if (values.help || command === 'help') {
      console.log(USAGE);
      return 0;
    }
    const config: Config = loadConfig(values.config);
    const date = values.date === undefined ? undefined : parseDateOption(values.date);
    if (command === 'build') {
      if (!values.out) throw new UsageError('build needs --out <dir>');
      if (inputs.length === 0) throw new UsageError('build needs at least one file or folder');
      return await build({ inputs, out: values.out, config, date, partnerSecret: partnerSecretFrom(env) });
    }
    if (command === 'preview') {
      if (inputs.length !== 1) throw new UsageError('preview takes exactly one file');
      if (values.out) throw new UsageError('preview writes to a temporary folder; use build --out <dir> to choose one');
      return await preview({ input: inputs[0]!, config, date });
    }
    throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`broadsheet: ${(err as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof ConfigError) {
      console.error(`broadsheet: ${err.message}`);
      return 2;
    }
    throw err;
  }
}

function parseDateOption(value: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match ? new Date(`${value}T00:00:00Z`) : undefined;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new UsageError(`--date must be a calendar date as YYYY-MM-DD, not "${value}"`);
  }
  return date;
}
