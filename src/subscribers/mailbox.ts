import { keyedDigest, type KeysOrSecret } from './tokens.ts';

/** Providers that deliver every dotted spelling of a local part to one inbox, and read `googlemail.com` as `gmail.com`. */
const DOTS_IGNORED: Record<string, string> = { 'gmail.com': 'gmail.com', 'googlemail.com': 'gmail.com' };

/**
 * The inbox a normalised address reaches, for limits that must not be dodged by spelling one inbox many ways:
 * `+tag` is dropped everywhere (sub-addressing, RFC 5233), and for Gmail the dots and the googlemail.com domain too.
 * Only for counting: the subscriber is still the address as given.
 */
export function mailboxOf(normalisedAddress: string): string {
  const at = normalisedAddress.lastIndexOf('@');
  let local = normalisedAddress.slice(0, at);
  let domain = normalisedAddress.slice(at + 1);
  const plus = local.indexOf('+');
  if (plus > 0) local = local.slice(0, plus);
  const gmail = Object.hasOwn(DOTS_IGNORED, domain) ? DOTS_IGNORED[domain] : undefined;
  if (gmail) {
    local = local.replaceAll('.', '');
    domain = gmail;
  }
  return `${local}@${domain}`;
}

/**
 * The id of the item that marks an inbox suppressed: a keyed digest of `mailboxOf` (never the address), in the
 * subscribers table beside the counters (its id holds `#`, which no subscriber id does). Written when any address
 * reaching that inbox is suppressed (bounce, complaint); no confirmation goes to any spelling of it afterwards.
 */
export function suppressedMailboxId(mailboxDigest: string): string {
  return ['suppressed', 'mailbox', mailboxDigest].join('#');
}

/** The keyed digest of the inbox an address reaches: what inbox counters and inbox suppressions are keyed by. */
export function mailboxDigest(keys: KeysOrSecret, normalisedAddress: string): string {
  return keyedDigest(keys, 'mailbox', mailboxOf(normalisedAddress));
}
