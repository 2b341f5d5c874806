import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { isSamplePartner, type Config } from '../config.ts';
import type { Editorial, Rejection } from '../model.ts';
import { parseEditorial } from '../parse/index.ts';
import { buildCatalogue } from '../catalogue/site.ts';
import { isPublic } from '../render/feeds/window.ts';
import { EmailTooLargeError } from '../render/email/index.ts';
import { renderEditorialOutputs } from '../render/outputs.ts';
import { UsageError } from './errors.ts';
import { tooLargeReason } from '../parse/limits.ts';
import { buildPartnerFeeds, type PartnerManifestEntry } from '../partners/feeds.ts';
import {
  DEVELOPMENT_PARTNER_SECRET,
  DEVELOPMENT_SECRET_WARNING,
  PARTNERS_FOLDER,
  type PartnerSecret,
} from '../partners/paths.ts';

export interface BuildOptions {
  inputs: string[];
  out: string;
  config: Config;
  date?: Date;
  now?: Date;
  /** Derives the partners' paths (`partnerSecretFrom(process.env)`); the development secret when not given. */
  partnerSecret?: PartnerSecret;
  stdout?: (line: string) => void;
  stderr?: (line: string) => void;
}

export interface BuildReport {
  built: { file: string; slug: string; dir: string }[];
  rejected: Rejection[];
  feeds: string[];
  /** What partners.json says: each partner's feeds, relative to the output folder. */
  partners: PartnerManifestEntry[];
}

const EDITORIAL_EXTENSIONS = new Set(['.txt', '.md']);

/** Builds every editorial given; returns the exit status (0 all built, 1 some rejected). */
export async function build(options: BuildOptions): Promise<number> {
  const report = await buildSite(options);
  return report.rejected.length ? 1 : 0;
}

export async function buildSite(options: BuildOptions): Promise<BuildReport> {
  const { config, out } = options;
  const stdout = options.stdout ?? ((line) => process.stdout.write(`${line}\n`));
  const stderr = options.stderr ?? ((line) => process.stderr.write(`${line}\n`));
  const now = options.now ?? new Date();
  const files = await collectInputs(options.inputs);
  const latest = new Map<string, Editorial>();
  const report: BuildReport = { built: [], rejected: [], feeds: [], partners: [] };
  const newestBySlug = new Map<string, { file: string; updated: number }>();

  const reject = (rejection: Rejection) => {
    report.rejected.push(rejection);
    stderr(`${rejection.file}: rejected: ${rejection.line ? `line ${rejection.line}: ` : ''}${rejection.reason}`);
  };

  // An email that cannot fit the clipping budget is the editorial's fault (too many or too long sources): that file
  // is rejected like any other, and the rest are built.
  const renderOrReject = async (editorial: Editorial) => {
    try {
      return await renderEditorialOutputs(editorial, config);
    } catch (error) {
      if (!(error instanceof EmailTooLargeError)) throw error;
      reject({ file: editorial.file, line: null, reason: error.reason });
      return undefined;
    }
  };

  for (const [index, file] of files.entries()) {
    if (!EDITORIAL_EXTENSIONS.has(extname(file).toLowerCase())) {
      reject({ file, line: null, reason: 'not an editorial: expected a .txt or .md file' });
      continue;
    }
    const stats = await stat(file);
    // Checked before the file is read: a huge file is refused without being held in memory.
    if (stats.size > config.limits.maxEditorialBytes) {
      reject({ file, line: null, reason: tooLargeReason(stats.size, config.limits) });
      continue;
    }
    const result = parseEditorial(file, await readFile(file), {
      publication: config.publication.name,
      defaultLang: config.publication.language,
      date: options.date,
      fallbackDate: stats.mtime,
      limits: config.limits,
    });
    if (!result.ok) {
      reject(result.rejection);
      continue;
    }
    const editorial = result.editorial;
    const previous = newestBySlug.get(editorial.slug);
    if (previous && previous.updated > editorial.updated.getTime()) {
      stderr(`${file}: skipped: ${previous.file} is a later version of "${editorial.slug}"`);
      continue;
    }
    const outputs = await renderOrReject(editorial);
    if (!outputs) continue;
    if (previous) stderr(`${previous.file}: superseded by ${file}, a later version of "${editorial.slug}"`);
    newestBySlug.set(editorial.slug, { file, updated: editorial.updated.getTime() });

    const dir = join(out, 'editorials', editorial.slug);
    await mkdir(dir, { recursive: true });
    for (const output of outputs.files) await writeFile(join(dir, output.name), output.body);
    latest.set(editorial.slug, editorial);
    report.built.push({ file, slug: editorial.slug, dir });
    const held = isPublic(editorial, now)
      ? ''
      : editorial.status === 'withdrawn'
        ? '  (withdrawn: not in feeds)'
        : `  (embargoed until ${editorial.embargo?.toISOString()}: not in feeds)`;
    stdout(`[${index + 1}/${files.length}] built ${dir}/${held}`);
  }

  const visible = [...latest.values()].filter((editorial) => isPublic(editorial, now));
  const site = buildCatalogue(visible, config, now);
  await writeFiles(out, site.files);
  const partnerLines = await writePartnerFeeds([...latest.values()], options, now, report, stderr);
  report.feeds.push(...['rss.xml', 'atom.xml', 'feed.json'].map((name) => join(out, 'feeds', name)));
  const topics = site.scopes.length - 1;
  await writeFile(join(out, 'rejected.json'), `${JSON.stringify(report.rejected, null, 2)}\n`);

  stdout(
    `\n${report.built.length} built, ${report.rejected.length} rejected, ${visible.length} in the feeds and archives` +
      ` (${site.files.length} listing files, ${topics} topic${topics === 1 ? '' : 's'}).` +
      `\nHome:     ${join(out, 'index.html')}` +
      `\nFeeds:    ${report.feeds.join('  ')}` +
      `\nSitemap:  ${join(out, 'sitemap.xml')}` +
      partnerLines +
      (report.rejected.length ? `\nRejected: ${join(out, 'rejected.json')} lists each file, line and reason.` : ''),
  );
  return report;
}

async function writeFiles(out: string, files: readonly { key: string; body: string }[]): Promise<void> {
  for (const file of files) {
    const path = join(out, ...file.key.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.body);
  }
}

/**
 * Every partner's feeds under `partners/<path>/` (the folder is the build's own: a path no longer current, after a
 * rotation, is removed) and partners.json; returns the summary's lines naming each partner's feeds.
 */
async function writePartnerFeeds(
  editorials: Editorial[],
  options: BuildOptions,
  now: Date,
  report: BuildReport,
  stderr: (line: string) => void,
): Promise<string> {
  const { config, out } = options;
  const secret = options.partnerSecret ?? { value: DEVELOPMENT_PARTNER_SECRET, development: true };
  if (secret.development && !config.partners.every(isSamplePartner)) stderr(DEVELOPMENT_SECRET_WARNING);
  const partners = buildPartnerFeeds(editorials, config, secret.value, now);
  await rm(join(out, PARTNERS_FOLDER), { recursive: true, force: true });
  await writeFiles(out, [...partners.files, partners.manifestFile]);
  report.partners = partners.manifest;
  if (!partners.manifest.length) return '';
  const lines = partners.manifest.map(
    ({ id, feeds }) =>
      `\n  ${id}: ${Object.values(feeds)
        .map((feed) => join(out, feed))
        .join('  ')}`,
  );
  const note = secret.development ? ' (paths from the development secret: not secret)' : '';
  return `\nPartners: ${join(out, partners.manifestFile.key)}${note}${lines.join('')}`;
}

/** A folder's README describes the folder; it is never an editorial. */
function isFolderNote(name: string): boolean {
  return /^readme\.(md|txt)$/i.test(name);
}

/** Files given, and the .txt/.md files of folders given (not recursive), in a stable order. */
async function collectInputs(inputs: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch(() => undefined);
    if (!info) throw new UsageError(`cannot read "${input}": no such file or folder`);
    if (info.isDirectory()) {
      const names = (await readdir(input, { withFileTypes: true }))
        .filter((e) => e.isFile() && EDITORIAL_EXTENSIONS.has(extname(e.name).toLowerCase()) && !isFolderNote(e.name))
        .map((e) => e.name)
        .sort();
      files.push(...names.map((name) => join(input, name)));
    } else {
      files.push(input);
    }
  }
  return [...new Set(files)];
}
