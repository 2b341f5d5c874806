import type { PublishDeps } from '../pipeline/publish/deps.ts';
import { rebuildCatalogue } from '../pipeline/publish/catalogue-rebuild.ts';
import { UsageError } from './errors.ts';

export const CATALOGUE_USAGE = `Usage:
  broadsheet catalogue rebuild [--config <file>]

rebuild  builds the feeds, archives, home, topic pages and sitemaps again from every stored
         editorial (EDITORIALS_BUCKET, PUBLIC_BUCKET); run it while nothing is being published.`;

/** Refuses anything but the commands above, before any AWS client is made. */
export function checkCatalogueArgs(args: readonly string[]): void {
  if (args[0] !== 'rebuild' || args.length !== 1)
    throw new UsageError(args[0] ? `unknown catalogue command "${args.join(' ')}"` : 'catalogue needs a command');
}

/** Runs `broadsheet catalogue <command>`; returns the exit status. */
export async function runCatalogueCommand(
  args: string[],
  deps: PublishDeps,
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Promise<number> {
  checkCatalogueArgs(args);
  let shown = 0;
  const report = await rebuildCatalogue(deps, (done, total) => {
    // One line per tenth, so a long rebuild shows it is moving without flooding the terminal.
    if (done === total || done - shown >= Math.max(1, Math.ceil(total / 10))) {
      shown = done;
      process.stderr.write(`catalogue: ${done}/${total} editorials admitted\n`);
    }
  });
  out(
    `${report.editorials} editorials read, ${report.public} public, ${report.scopes} scopes, ${report.pages} complete archive pages.`,
  );
  return 0;
}
