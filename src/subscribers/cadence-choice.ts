import type { Cadence } from '../cadence.ts';
import type { Config } from '../config.ts';
import { offeredCadences } from '../render/cadence-choices.ts';

export type CadenceRequest = { ok: true; cadence: Cadence | undefined } | { ok: false; allowed: Cadence[] };

/**
 * The cadence a form field or an import cell asks for: blank asks for none (the caller's default); one the
 * configuration does not offer is refused, never replaced by another, and the answer names the ones it offers.
 */
export function requestedCadence(config: Pick<Config, 'subscription'>, raw: string | null | undefined): CadenceRequest {
  const value = (raw ?? '').trim().toLowerCase();
  const allowed = offeredCadences(config);
  if (value === '') return { ok: true, cadence: undefined };
  const offered = allowed.find((cadence) => cadence === value);
  return offered ? { ok: true, cadence: offered } : { ok: false, allowed };
}
