import { cadenceChange, type Cadence } from '../cadence.ts';
import type { Clock, Item, KeyValueTable } from '../ports.ts';
import { AGAIN, retry, RetriesExhaustedError, type BackoffPolicy } from '../retry.ts';
import { isSubscriberItem, subscriberFromItem, type Subscriber, type SubscriberStatus } from './subscriber.ts';
import { mailboxDigest, suppressedMailboxId } from './mailbox.ts';
import { CONFIRM_TOKEN_LIFETIME_MS, linkFits, newLinkNonce, subscriberId } from './tokens.ts';

/** A web-form subscriber asking again within this time gets no second confirmation email (no mail bombing). */
export const CONFIRMATION_RESEND_COOLDOWN_MS = 10 * 60 * 1000;
/** Versions start at 1: a write expecting this one is always refused. */
const NEVER_A_VERSION = -1;
/** Writers of one subscriber that collide try again, a few milliseconds apart, eight times in all. */
const CHANGE_POLICY: BackoffPolicy = { attempts: 8, baseMs: 5, capMs: 200 };

export type SubscribeOutcome = 'created' | 'pending-again' | 'resubscribed' | 'already-confirmed' | 'suppressed';
export type ConfirmOutcome = 'confirmed' | 'already-confirmed' | 'not-pending' | 'unknown';
export type UnsubscribeOutcome = 'unsubscribed' | 'already' | 'unknown';
export type SuppressOutcome = 'suppressed' | 'already' | 'unknown';
export type SoftBounceOutcome = 'counted' | 'suppressed' | 'duplicate' | 'already-suppressed' | 'unknown';
export type ImportOutcome = 'created' | 'updated' | 'unchanged' | 'kept-suppressed' | 'kept-unsubscribed';
export type CadenceOutcome = 'changed' | 'unchanged' | 'not-subscribed' | 'unknown';

/**
 * The subscription a link was signed for: its nonce, absent for a link from before nonces. A change made through a
 * link applies only while the record holds that subscription (linkFits); otherwise it reads as no subscriber.
 */
export interface LinkBinding {
  nonce: string | undefined;
}

const fitsLink = (current: Subscriber, link: LinkBinding | undefined) =>
  link === undefined || linkFits(link.nonce, current.linkNonce);

export interface Changed<O> {
  outcome: O;
  /** The subscriber after the change (undefined for 'unknown'). */
  subscriber: Subscriber | undefined;
}

export interface SubscribeRequest {
  /** Normalised (normalizeAddress). */
  address: string;
  consentSource: string;
  topics: string[];
  /** A BCP 47 language tag, already checked. */
  language?: string;
  /** One of the configured cadences, already checked; absent: `each`. */
  cadence?: Cadence;
}

export interface ImportRecord {
  /** Normalised (normalizeAddress). */
  address: string;
  status: SubscriberStatus;
  /** Absent: keep what the table has. */
  topics?: string[];
  consentAt?: string;
  /** The row's own source; absent: keep the table's, or `defaultSource` for a new subscriber. */
  consentSource?: string;
  defaultSource: string;
  /** One of the configured cadences, already checked; absent: keep the table's, or `each` for a new subscriber. */
  cadence?: Cadence;
}

/** `expiresAt` (epoch seconds, the table's TTL attribute) is on pending records only: see pendingExpiry. */
type Fields = Partial<Omit<Subscriber, 'id' | 'version'>> & { expiresAt?: number };
type Removable = keyof Subscriber | 'expiresAt';
type Mutation<O> =
  /** `balance`: make a write that its condition refuses, so that an answer needing no change takes as long as one
   * that changes the record (the subscribe form must not tell, by its timing, who is subscribed). */
  | { kind: 'none'; outcome: O; balance?: boolean }
  | { kind: 'create'; fields: Omit<Subscriber, 'id' | 'version' | 'updatedAt'> & { expiresAt?: number }; outcome: O }
  | { kind: 'update'; set: Fields; remove?: Removable[]; outcome: O };

/**
 * When a pending record expires: when the confirmation link sent (or about to be sent) at `now` does, in epoch
 * seconds, DynamoDB's TTL. DynamoDB deletes expired items within days, not at once; until then every change here
 * (subscribe, confirm, the confirmation sender's take, unsubscribe, import) treats an expired pending record as
 * absent (isExpiredPending), and so does `get` given the time. Any other status carries no `expiresAt`: a write that
 * takes a record out of pending removes it, so a confirmed, unsubscribed or suppressed record never expires.
 */
export function pendingExpiry(now: Date): number {
  return Math.ceil((now.getTime() + CONFIRM_TOKEN_LIFETIME_MS) / 1000);
}

/** A pending record whose `expiresAt` has passed: absent to every flow, though DynamoDB may not have deleted it yet. */
export function isExpiredPending(item: Item, now: Date): boolean {
  return item.status === 'pending' && typeof item.expiresAt === 'number' && item.expiresAt * 1000 <= now.getTime();
}

/**
 * The subscribers table. Every change reads the item, decides, and writes conditionally on the version it read, so
 * two requests for one subscriber (a double click, a bounce racing an unsubscribe) never overwrite each other.
 */
export class SubscriberStore {
  constructor(
    private readonly table: KeyValueTable,
    private readonly tokenSecret: string,
    private readonly clock: Clock,
  ) {}

  idFor(normalisedAddress: string): string {
    return subscriberId(this.tokenSecret, normalisedAddress);
  }

  /** The record as the table holds it; given `now`, an expired pending record (isExpiredPending) reads as absent. */
  async get(id: string, now?: Date): Promise<Subscriber | undefined> {
    const item = await this.table.get({ id });
    return item && !(now !== undefined && isExpiredPending(item, now)) ? subscriberFromItem(item) : undefined;
  }

  async getByAddress(normalisedAddress: string, now?: Date): Promise<Subscriber | undefined> {
    return this.get(this.idFor(normalisedAddress), now);
  }

  /** Every subscriber, page by page, in table order. */
  async *all(): AsyncIterable<Subscriber> {
    let cursor: string | undefined;
    do {
      const page = await this.table.scan({ limit: 500, ...(cursor !== undefined && { cursor }) });
      for (const item of page.items) if (isSubscriberItem(item)) yield subscriberFromItem(item);
      cursor = page.cursor;
    } while (cursor !== undefined);
  }

  /**
   * A subscribe request from the web form. A new or unsubscribed address becomes pending; a pending one keeps what
   * it first asked for (topics, consent source, language); a confirmed one stays as it is; a suppressed one is never
   * re-activated from a form. Whether a confirmation is owed is decided and recorded (`confirmationDueAt`) by the
   * same conditional write, so of any number of simultaneous requests for one address exactly one owes a send.
   */
  subscribe(request: SubscribeRequest, now: Date): Promise<Changed<SubscribeOutcome> & { confirmationDue: boolean }> {
    const at = now.toISOString();
    let confirmationDue = false;
    const asked = {
      consentSource: request.consentSource,
      topics: request.topics,
      ...(request.language !== undefined && { language: request.language }),
      requestedAt: at,
      confirmationDueAt: at,
      expiresAt: pendingExpiry(now),
    };
    return this.change<SubscribeOutcome>(this.idFor(request.address), now, (current) => {
      confirmationDue = false;
      if (!current) {
        confirmationDue = true;
        // A brand-new record has had no other cadence: nothing before it to keep.
        const cadence = request.cadence !== undefined ? { cadence: request.cadence } : {};
        return {
          kind: 'create',
          fields: {
            email: request.address,
            status: 'pending',
            softBounces: 0,
            linkNonce: newLinkNonce(),
            ...asked,
            ...cadence,
          },
          outcome: 'created',
        };
      }
      switch (current.status) {
        case 'suppressed':
          return { kind: 'none', outcome: 'suppressed', balance: true };
        case 'confirmed':
          return { kind: 'none', outcome: 'already-confirmed', balance: true };
        case 'unsubscribed':
          confirmationDue = true;
          // A new subscription: links signed for the one that ended stop working. Its cadence is a change of the
          // record's, kept with its time, so the editorials before it still follow the old one (src/cadence.ts).
          return {
            kind: 'update',
            set: {
              status: 'pending',
              linkNonce: newLinkNonce(),
              ...asked,
              ...(request.cadence !== undefined && cadenceChange(current, request.cadence, now)),
            },
            outcome: 'resubscribed',
          };
        case 'pending': {
          if (now.getTime() - lastConfirmationAt(current) < CONFIRMATION_RESEND_COOLDOWN_MS) {
            return { kind: 'none', outcome: 'pending-again', balance: true };
          }
          confirmationDue = true;
          return {
            kind: 'update',
            set: { requestedAt: at, confirmationDueAt: at, expiresAt: pendingExpiry(now) },
            outcome: 'pending-again',
          };
        }
      }
    }).then((changed) => ({ ...changed, confirmationDue }));
  }

  /**
   * The confirmation sender takes an owed send: one conditional write clears `confirmationDueAt` and records
   * `confirmationSentAt`, so a redelivered or duplicated queue message finds nothing owed and sends nothing.
   */
  takeConfirmation(id: string, now: Date): Promise<Changed<'taken' | 'nothing-owed'>> {
    return this.change<'taken' | 'nothing-owed'>(id, now, (current) =>
      current?.status === 'pending' && current.confirmationDueAt !== undefined
        ? {
            kind: 'update',
            set: { confirmationSentAt: now.toISOString(), expiresAt: pendingExpiry(now) },
            remove: ['confirmationDueAt'],
            outcome: 'taken',
          }
        : { kind: 'none', outcome: 'nothing-owed' },
    );
  }

  /** Takes the welcome a confirmation owes, once: a redelivered message finds nothing owed. */
  takeWelcome(id: string, now: Date): Promise<Changed<'taken' | 'nothing-owed'>> {
    return this.change<'taken' | 'nothing-owed'>(id, now, (current) =>
      current?.status === 'confirmed' && current.welcomeDueAt !== undefined
        ? { kind: 'update', set: { welcomeSentAt: now.toISOString() }, remove: ['welcomeDueAt'], outcome: 'taken' }
        : { kind: 'none', outcome: 'nothing-owed' },
    );
  }

  /** Gives back a welcome taken but not sent (the mail service failed for now). */
  async returnWelcome(id: string, now: Date): Promise<void> {
    await this.change(id, now, (current) =>
      current?.status === 'confirmed' && current.welcomeDueAt === undefined && current.welcomeSentAt !== undefined
        ? { kind: 'update', set: { welcomeDueAt: now.toISOString() }, remove: ['welcomeSentAt'], outcome: 'returned' }
        : { kind: 'none', outcome: 'skipped' },
    );
  }

  /** A confirmation sent outside the queue (an import's): recorded for the cooldown. */
  async markConfirmationSent(id: string, now: Date): Promise<void> {
    await this.change(id, now, (current) =>
      current?.status === 'pending'
        ? {
            kind: 'update',
            set: { confirmationSentAt: now.toISOString(), expiresAt: pendingExpiry(now) },
            remove: ['confirmationDueAt'],
            outcome: 'marked',
          }
        : { kind: 'none', outcome: 'skipped' },
    );
  }

  /** Gives back a send taken but not made (the mail service failed for now), so the next delivery makes it. */
  async returnConfirmation(id: string, now: Date): Promise<void> {
    await this.change(id, now, (current) =>
      current?.status === 'pending' && current.confirmationDueAt === undefined
        ? { kind: 'update', set: { confirmationDueAt: now.toISOString() }, outcome: 'returned' }
        : { kind: 'none', outcome: 'skipped' },
    );
  }

  /** Double opt-in: only a pending subscriber becomes confirmed; the confirmation is the moment of consent. */
  confirm(
    id: string,
    now: Date,
    options: { welcome?: boolean; link?: LinkBinding } = {},
  ): Promise<Changed<ConfirmOutcome>> {
    const at = now.toISOString();
    // Owed by the same write that confirms, so a double click, or two confirm requests at once, owe one welcome.
    const welcome = options.welcome ? { welcomeDueAt: at } : {};
    return this.change<ConfirmOutcome>(id, now, (current) => {
      if (!current || !fitsLink(current, options.link)) return { kind: 'none', outcome: 'unknown' };
      if (current.status === 'confirmed') return { kind: 'none', outcome: 'already-confirmed' };
      if (current.status !== 'pending') return { kind: 'none', outcome: 'not-pending' };
      // A send still owed is moot once the reader has confirmed.
      return {
        kind: 'update',
        set: { status: 'confirmed', confirmedAt: at, consentAt: at, ...welcome },
        remove: ['confirmationDueAt'],
        outcome: 'confirmed',
      };
    });
  }

  /** Idempotent; a suppressed subscriber stays suppressed. */
  unsubscribe(id: string, now: Date, link?: LinkBinding): Promise<Changed<UnsubscribeOutcome>> {
    return this.change<UnsubscribeOutcome>(id, now, (current) => {
      if (!current || !fitsLink(current, link)) return { kind: 'none', outcome: 'unknown' };
      if (current.status === 'unsubscribed' || current.status === 'suppressed')
        return { kind: 'none', outcome: 'already' };
      return {
        kind: 'update',
        set: { status: 'unsubscribed', unsubscribedAt: now.toISOString() },
        outcome: 'unsubscribed',
      };
    });
  }

  /** The reader's own choice from the preference page: empty means every topic. Only a live subscription changes. */
  changeTopics(
    id: string,
    topics: string[],
    now: Date,
    link?: LinkBinding,
  ): Promise<Changed<'changed' | 'unchanged' | 'not-subscribed' | 'unknown'>> {
    return this.change(id, now, (current) => {
      if (!current || !fitsLink(current, link)) return { kind: 'none', outcome: 'unknown' };
      if (current.status !== 'confirmed' && current.status !== 'pending')
        return { kind: 'none', outcome: 'not-subscribed' };
      if (JSON.stringify(current.topics) === JSON.stringify(topics)) return { kind: 'none', outcome: 'unchanged' };
      return { kind: 'update', set: { topics }, outcome: 'changed' };
    });
  }

  /**
   * The reader's cadence from the preference page (already checked against the configured ones). It applies to the
   * editorials that become public from `now` on: the record keeps the cadence before and the time of the change.
   */
  changeCadence(id: string, cadence: Cadence, now: Date, link?: LinkBinding): Promise<Changed<CadenceOutcome>> {
    return this.change<CadenceOutcome>(id, now, (current) => {
      if (!current || !fitsLink(current, link)) return { kind: 'none', outcome: 'unknown' };
      if (current.status !== 'confirmed' && current.status !== 'pending')
        return { kind: 'none', outcome: 'not-subscribed' };
      const set = cadenceChange(current, cadence, now);
      return set ? { kind: 'update', set, outcome: 'changed' } : { kind: 'none', outcome: 'unchanged' };
    });
  }

  /**
   * Erasure on the reader's request (`link`: through a link, which must still fit the record). The record goes; a
   * suppressed one keeps only its id (a keyed digest of the address), its status and why, so the address is never
   * mailed again, and a new link nonce, so no link signed before works. Send records of recent dispatches keep the
   * id until their retention ends (see docs/subscribers.md, erasure).
   */
  async erase(id: string, now: Date, link?: LinkBinding): Promise<'erased' | 'kept-suppression' | 'unknown'> {
    const item = await this.table.get({ id });
    if (!item) return 'unknown';
    if (!fitsLink(subscriberFromItem(item), link)) return 'unknown';
    if (item.status !== 'suppressed') {
      await this.table.delete({ id });
      return 'erased';
    }
    // Every attribute the item holds, also ones newer code added, except what keeps the suppression.
    const kept = new Set([
      'id',
      'status',
      'suppressedReason',
      'suppressedAt',
      'email',
      'topics',
      'softBounces',
      'linkNonce',
      'updatedAt',
      'version',
    ]);
    await this.change(id, now, () => ({
      kind: 'update',
      set: { email: '', topics: [], softBounces: 0, linkNonce: newLinkNonce() },
      remove: Object.keys(item).filter((key) => !kept.has(key)) as Removable[],
      outcome: 'kept-suppression',
    }));
    return 'kept-suppression';
  }

  /** Never mail this address again (hard bounce, complaint); the first reason recorded is kept. */
  suppress(id: string, reason: string, now: Date): Promise<Changed<SuppressOutcome>> {
    return this.suppressingMailbox(
      now,
      this.change<SuppressOutcome>(id, now, (current) => {
        if (!current) return { kind: 'none', outcome: 'unknown' };
        if (current.status === 'suppressed') return { kind: 'none', outcome: 'already' };
        return {
          kind: 'update',
          set: { status: 'suppressed', suppressedReason: reason, suppressedAt: now.toISOString() },
          outcome: 'suppressed',
        };
      }),
    );
  }

  /** Counts a soft bounce once per `bounceId`; suppresses the subscriber when the count reaches `threshold`. */
  recordSoftBounce(id: string, threshold: number, now: Date, bounceId?: string): Promise<Changed<SoftBounceOutcome>> {
    return this.suppressingMailbox(
      now,
      this.change<SoftBounceOutcome>(id, now, (current) => {
        if (!current) return { kind: 'none', outcome: 'unknown' };
        if (current.status === 'suppressed') return { kind: 'none', outcome: 'already-suppressed' };
        if (bounceId !== undefined && current.lastSoftBounceId === bounceId)
          return { kind: 'none', outcome: 'duplicate' };
        const softBounces = current.softBounces + 1;
        const counted = { softBounces, ...(bounceId !== undefined && { lastSoftBounceId: bounceId }) };
        if (softBounces < threshold) return { kind: 'update', set: counted, outcome: 'counted' };
        return {
          kind: 'update',
          set: { ...counted, status: 'suppressed', suppressedReason: 'soft-bounces', suppressedAt: now.toISOString() },
          outcome: 'suppressed',
        };
      }),
    );
  }

  /**
   * Whether the inbox this address reaches is suppressed: some spelling of it (`+tag`, Gmail dots, googlemail.com)
   * bounced for good or complained. No confirmation goes to such an inbox.
   */
  async mailboxSuppressed(normalisedAddress: string): Promise<boolean> {
    return (
      (await this.table.get({ id: suppressedMailboxId(mailboxDigest(this.tokenSecret, normalisedAddress)) })) !==
      undefined
    );
  }

  /**
   * After a change that leaves the subscriber suppressed (also one that found it so, to repair a marker a crash
   * lost), the inbox is marked suppressed too: an item keyed by the inbox's keyed digest, holding no address.
   */
  private async suppressingMailbox<O>(now: Date, changing: Promise<Changed<O>>): Promise<Changed<O>> {
    const changed = await changing;
    const subscriber = changed.subscriber;
    if (subscriber?.status === 'suppressed' && subscriber.email !== '') {
      const id = suppressedMailboxId(mailboxDigest(this.tokenSecret, subscriber.email));
      await this.table.putIfAbsent({ id, suppressedAt: subscriber.suppressedAt ?? now.toISOString() });
    }
    return changed;
  }

  /**
   * A row from an import. Opt-outs in the file always apply; nothing in a file lifts a suppression, and an
   * unsubscribed reader comes back only when the file's consent is later than the unsubscription.
   */
  upsertImported(record: ImportRecord, now: Date): Promise<Changed<ImportOutcome>> {
    const at = now.toISOString();
    const described = {
      ...(record.topics !== undefined && { topics: record.topics }),
      ...(record.consentAt !== undefined && { consentAt: record.consentAt }),
      ...(record.consentSource !== undefined && { consentSource: record.consentSource }),
    };
    const entering = (status: SubscriberStatus): Fields => {
      if (status === 'confirmed') return { status, confirmedAt: at };
      if (status === 'unsubscribed') return { status, unsubscribedAt: at };
      if (status === 'suppressed') return { status, suppressedReason: 'imported', suppressedAt: at };
      return { status };
    };
    return this.suppressingMailbox(
      now,
      this.change<ImportOutcome>(this.idFor(record.address), now, (current) => {
        if (!current) {
          return {
            kind: 'create',
            fields: {
              email: record.address,
              topics: [],
              softBounces: 0,
              linkNonce: newLinkNonce(),
              consentSource: record.defaultSource,
              ...(record.cadence !== undefined && { cadence: record.cadence }),
              ...described,
              ...entering(record.status),
              status: record.status,
            },
            outcome: 'created',
          };
        }
        if (current.status === 'suppressed')
          return { kind: 'none', outcome: record.status === 'suppressed' ? 'unchanged' : 'kept-suppressed' };
        const optingIn = record.status === 'pending' || record.status === 'confirmed';
        if (current.status === 'unsubscribed' && optingIn) {
          const consentedAfter =
            record.consentAt !== undefined && Date.parse(record.consentAt) > Date.parse(current.unsubscribedAt ?? '');
          if (!consentedAfter) return { kind: 'none', outcome: 'kept-unsubscribed' };
        }
        const status = current.status === 'confirmed' && record.status === 'pending' ? 'confirmed' : record.status;
        const set: Fields = {
          ...described,
          ...(status !== current.status ? entering(status) : {}),
          ...(record.cadence !== undefined && cadenceChange(current, record.cadence, now)),
        };
        // An unsubscribed reader who comes back has a new subscription: links signed for the old one stop working.
        const renewed: Fields = current.status === 'unsubscribed' && optingIn ? { linkNonce: newLinkNonce() } : {};
        const differs = Object.entries(set).some(
          ([k, v]) => JSON.stringify(v) !== JSON.stringify(current[k as keyof Subscriber]),
        );
        if (!differs) return { kind: 'none', outcome: 'unchanged' };
        return { kind: 'update', set: { ...set, ...renewed }, outcome: 'updated' };
      }),
    );
  }

  private async change<O>(
    id: string,
    now: Date,
    decide: (current: Subscriber | undefined) => Mutation<O>,
  ): Promise<Changed<O>> {
    const attempt = async (): Promise<Changed<O> | typeof AGAIN> => {
      const item = await this.table.get({ id });
      // An expired pending record is absent to every decision, though DynamoDB's TTL may not have deleted it yet.
      const current = item && !isExpiredPending(item, now) ? subscriberFromItem(item) : undefined;
      const mutation = decide(current);
      if (mutation.kind === 'none') {
        if (mutation.balance && current)
          await this.table.update(
            { id },
            { set: { version: current.version }, expected: { version: NEVER_A_VERSION } },
          );
        return { outcome: mutation.outcome, subscriber: current };
      }
      const updatedAt = now.toISOString();
      if (mutation.kind === 'create') {
        const created = { id, ...mutation.fields, updatedAt, version: 1 };
        if (!item)
          return (await this.table.putIfAbsent(created as unknown as Item))
            ? { outcome: mutation.outcome, subscriber: subscriberFromItem(created) }
            : AGAIN;
        // The expired record is replaced whole, conditionally on the version read; versions keep growing.
        const { id: _id, ...fields } = created;
        const version = typeof item.version === 'number' ? item.version : undefined;
        const replaced = await this.table.update(
          { id },
          {
            set: { ...fields, version: (version ?? 0) + 1 },
            remove: Object.keys(item).filter((key) => key !== 'id' && !(key in fields)),
            expected: { version },
          },
        );
        return replaced ? { outcome: mutation.outcome, subscriber: subscriberFromItem(replaced) } : AGAIN;
      }
      if (!current || !item) return AGAIN;
      const remove = new Set<string>(mutation.remove ?? []);
      // Only a pending record expires: a write that takes it out of pending removes the TTL.
      if ((mutation.set.status ?? current.status) !== 'pending' && item.expiresAt !== undefined)
        remove.add('expiresAt');
      const after = await this.table.update(
        { id },
        {
          set: { ...mutation.set, updatedAt, version: current.version + 1 },
          ...(remove.size > 0 && { remove: [...remove] }),
          expected: { version: current.version === 0 ? undefined : current.version },
        },
      );
      return after ? { outcome: mutation.outcome, subscriber: subscriberFromItem(after) } : AGAIN;
    };
    return retry(this.clock, CHANGE_POLICY, attempt, {
      retryable: () => false,
      exhausted: () => new RetriesExhaustedError(`subscriber ${id} kept changing under concurrent writes; try again`),
    });
  }
}

/** The last time a confirmation was owed or taken, for the resend cooldown; never: minus infinity. */
function lastConfirmationAt(subscriber: Subscriber): number {
  const times = [subscriber.confirmationDueAt, subscriber.confirmationSentAt].map((t) =>
    t ? Date.parse(t) : Number.NEGATIVE_INFINITY,
  );
  return Math.max(...times);
}
