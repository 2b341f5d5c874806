import { domainToASCII } from 'node:url';

export type AddressCheck = { ok: true; address: string } | { ok: false; reason: string };

export const MAX_ADDRESS_LENGTH = 254;
const MAX_LOCAL_LENGTH = 64;
// RFC 5322 dot-atom text; quoted local parts are legal but too rare (and too fragile downstream) to accept.
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const CONTROL_OR_SPACE = /[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * The canonical form of a subscriber's address: trimmed, and lower-cased as a whole, local part included.
 * RFC 5321 lets a mailbox treat its local part case-sensitively, but the providers readers use do not; lower-casing
 * keeps "Ann@x.org" and "ann@x.org" one subscriber with one id. An internationalised domain becomes its ASCII
 * (punycode) form; the local part must be ASCII.
 */
export function normalizeAddress(input: string): AddressCheck {
  const trimmed = input.trim();
  if (trimmed === '') return { ok: false, reason: 'the address is empty' };
  if (CONTROL_OR_SPACE.test(trimmed))
    return { ok: false, reason: 'the address contains a space or a control character' };
  const parts = trimmed.split('@');
  if (parts.length !== 2) return { ok: false, reason: 'the address must contain exactly one @' };
  const [rawLocal, rawDomain] = parts as [string, string];
  const local = rawLocal.toLowerCase();
  if (local.length === 0 || local.length > MAX_LOCAL_LENGTH || !LOCAL_PART.test(local)) {
    return { ok: false, reason: 'the part before the @ is not a valid mailbox name' };
  }
  const domain = domainToASCII(rawDomain.toLowerCase().replace(/\.$/, ''));
  const labels = domain.split('.');
  if (
    !domain ||
    labels.length < 2 ||
    !labels.every((label) => DOMAIN_LABEL.test(label)) ||
    /^\d+$/.test(labels.at(-1)!)
  ) {
    return { ok: false, reason: 'the part after the @ is not a valid domain name' };
  }
  const address = `${local}@${domain}`;
  if (address.length > MAX_ADDRESS_LENGTH)
    return { ok: false, reason: `the address is longer than ${MAX_ADDRESS_LENGTH} characters` };
  return { ok: true, address };
}
