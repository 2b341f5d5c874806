import { ConfigError, configFrom, type CheckOptions, type PartnerConfig } from '../config.ts';
import { BroadsheetError } from '../errors.ts';
import { PreconditionFailedError, type Clock, type ObjectStore } from '../ports.ts';
import { AGAIN, retry, type BackoffPolicy } from '../retry.ts';

/*
 * The partner registry: the deployed pipeline's partners, as one private JSON array in the editorials bucket, in the
 * shape of the configuration's `partners`. The publish stage reads it at run time, so adding or rotating a partner
 * needs no redeploy; while there is none, the configuration's partners apply. Every change is a write conditional on
 * the version read, so two desks changing partners at once cannot lose either change.
 */

export const PARTNER_REGISTRY_KEY = 'config/partners.json';

/** The registry object exists but is not a partners array the configuration would accept. */
export class PartnerRegistryError extends BroadsheetError {
  override name = 'PartnerRegistryError';
}

export interface PartnerRegistry {
  partners: PartnerConfig[];
  etag: string;
}

/** A partner as written in the registry, before it is checked. */
export type RawPartner = Record<string, unknown>;

/** A read racing an overwrite can come back torn on a store without atomic reads (s3rver): a few more tries. */
const READ_POLICY: BackoffPolicy = { attempts: 4, baseMs: 10, capMs: 100 };
/** Changes by hand are rare and short: a handful of tries outlasts any number of desks at once. */
const WRITE_POLICY: BackoffPolicy = { attempts: 8, baseMs: 20, capMs: 500 };

/** Where a problem with the registry is said to be: the object's bucket and key. */
export function registryName(store: ObjectStore): string {
  const bucket = (store as { bucket?: string }).bucket;
  return bucket ? `s3://${bucket}/${PARTNER_REGISTRY_KEY}` : PARTNER_REGISTRY_KEY;
}

/** The registry's partners as checked, or undefined when there is no registry object (one GET). */
export async function readPartnerRegistry(
  store: ObjectStore,
  clock: Clock,
  options: CheckOptions = {},
): Promise<PartnerRegistry | undefined> {
  const read = await readRaw(store, clock);
  return read && { partners: checkPartners(read.raw, registryName(store), options), etag: read.etag };
}

/** Every partner checked by the configuration's rules; the error names `origin` and each problem. */
export function checkPartners(raw: unknown, origin: string, options: CheckOptions = {}): PartnerConfig[] {
  if (!Array.isArray(raw))
    throw new PartnerRegistryError(`${origin}: must be a JSON array of partners, as the configuration's "partners"`);
  try {
    return configFrom({ partners: raw }, origin, options).partners;
  } catch (err) {
    if (err instanceof ConfigError)
      throw new PartnerRegistryError(err.message.replace('invalid configuration', 'invalid partner registry'), {
        cause: err,
      });
    throw err;
  }
}

async function readRaw(store: ObjectStore, clock: Clock): Promise<{ raw: unknown; etag: string } | undefined> {
  const name = registryName(store);
  return retry(
    clock,
    READ_POLICY,
    async () => {
      const object = await store.get(PARTNER_REGISTRY_KEY);
      if (!object) return undefined;
      try {
        return { raw: JSON.parse(new TextDecoder().decode(object.body)) as unknown, etag: object.etag };
      } catch (err) {
        throw new PartnerRegistryError(`${name}: is not JSON (${(err as Error).message})`, { cause: err });
      }
    },
    { retryable: (err) => err instanceof PartnerRegistryError },
  );
}

export interface RegistryChange<T> {
  /** The partners the registry starts from when there is none yet: the configuration's. */
  seed: readonly PartnerConfig[];
  /** Changes the partners in place and says what was changed; throws to refuse (nothing is written). Called again,
   * on a fresh copy, whenever another writer got there first. */
  edit: (partners: RawPartner[]) => T;
  /** Turns a change the rules refuse into the caller's error (the registry is left as it was). */
  refused: (message: string) => Error;
}

/**
 * Reads the registry (or the seed), applies `edit`, checks the result and writes it only over the version read;
 * returns the partners before and after and what `edit` said. A registry that is already malformed is never
 * written over: it is for a person to look at.
 */
export async function changePartnerRegistry<T>(
  store: ObjectStore,
  clock: Clock,
  change: RegistryChange<T>,
  options: CheckOptions = {},
): Promise<{ before: PartnerConfig[]; after: PartnerConfig[]; result: T }> {
  const name = registryName(store);
  return retry(
    clock,
    WRITE_POLICY,
    async () => {
      const read = await readRaw(store, clock);
      const before = read ? checkPartners(read.raw, name, options) : [...change.seed];
      const partners = structuredClone((read ? read.raw : change.seed) as RawPartner[]);
      const result = change.edit(partners);
      let after: PartnerConfig[];
      try {
        after = checkPartners(partners, name, options);
      } catch (err) {
        if (err instanceof PartnerRegistryError) throw change.refused(err.message);
        throw err;
      }
      try {
        await store.put(PARTNER_REGISTRY_KEY, `${JSON.stringify(partners, null, 2)}\n`, {
          contentType: 'application/json; charset=utf-8',
          ...(read ? { ifMatch: read.etag } : { ifNoneMatch: '*' as const }),
        });
      } catch (err) {
        if (err instanceof PreconditionFailedError) return AGAIN;
        throw err;
      }
      return { before, after, result };
    },
    {
      retryable: () => false,
      exhausted: (attempts) =>
        new PartnerRegistryError(
          `${name} kept changing while this change was made (${attempts} attempts): nothing was written; try again`,
        ),
    },
  );
}
