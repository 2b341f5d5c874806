import { PARTNER_FORMATS, type PartnerConfig } from '../config.ts';
import { partnerPath, PARTNERS_FOLDER } from '../partners/paths.ts';
import type { RawPartner } from '../partners/registry.ts';
import { UsageError } from './errors.ts';

/*
 * What `partners add`, `rotate` and `remove` do to a list of partners, the same for a configuration file and for the
 * stack's partner registry. Each edit changes the list in place and returns the index of the partner it changed.
 */

export type PartnerEdit = (partners: RawPartner[]) => number;

/** The options of `partners add`, as parsed. */
export type AddOptions = Record<string, string | boolean | undefined>;

export function addEdit(id: string, values: AddOptions): PartnerEdit {
  return (partners) => {
    if (partners.some((p) => p.id === id)) throw new UsageError(`there is already a partner "${id}"`);
    partners.push(newPartner(id, values));
    return partners.length - 1;
  };
}

/** `where` names the list, for the message when the partner is not in it. */
export function rotateEdit(id: string, where: string): PartnerEdit {
  return (partners) => {
    const at = partners.findIndex((p) => p.id === id);
    if (at < 0) throw new UsageError(`no partner "${id}" in ${where}`);
    const rotation = partners[at]!.rotation ?? 0;
    partners[at] = { ...partners[at]!, rotation: (typeof rotation === 'number' ? rotation : 0) + 1 };
    return at;
  };
}

/** Takes the partner out of the list; returns the index it had. `where` as for rotateEdit. */
export function removeEdit(id: string, where: string): PartnerEdit {
  return (partners) => {
    const at = partners.findIndex((p) => p.id === id);
    if (at < 0) throw new UsageError(`no partner "${id}" in ${where}`);
    partners.splice(at, 1);
    return at;
  };
}

function newPartner(id: string, values: AddOptions): RawPartner {
  const list = (value: unknown) =>
    typeof value === 'string' ? value.split(',').map((part) => part.trim()) : undefined;
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

/** `partners/<path>/`: where the partner reads its feeds under this secret. */
export function partnerFolder(secret: string, partner: Pick<PartnerConfig, 'id' | 'rotation'>): string {
  return `${PARTNERS_FOLDER}/${partnerPath(secret, partner)}/`;
}

/** The partner's formats, topics and path on one line. */
export function describePartner(partner: PartnerConfig, secret: string): string {
  return `${partner.formats.join(', ')}; ${partner.topics ? `topics ${partner.topics.join(', ')}` : 'every topic'}; path ${partnerFolder(secret, partner)}`;
}

/** Each partner's id, name, formats, topics and current path, a few lines each. */
export function partnerLines(partners: readonly PartnerConfig[], secret: string): string[] {
  if (!partners.length) return ['No partners configured.'];
  return partners.flatMap((partner) => [
    `${partner.id}\t${partner.name}`,
    `  formats  ${partner.formats.join(', ')}`,
    `  topics   ${partner.topics ? partner.topics.join(', ') : 'every topic'}`,
    `  path     ${partnerFolder(secret, partner)}  (rotation ${partner.rotation})`,
  ]);
}
