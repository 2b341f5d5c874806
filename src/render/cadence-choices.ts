import { CADENCES, type Cadence } from '../cadence.ts';
import type { Config } from '../config.ts';
import type { Messages } from '../i18n/index.ts';

/** The cadences readers may choose (`subscription.digests.cadences`), in their own order, `each` always among them. */
export function offeredCadences(config: Pick<Config, 'subscription'>): Cadence[] {
  const configured = new Set<string>(config.subscription.digests?.cadences ?? []);
  return CADENCES.filter((cadence) => cadence === 'each' || configured.has(cadence));
}

export interface CadenceChoice {
  value: Cadence;
  label: string;
  chosen: boolean;
}

/** A cadence's name in `m`'s language ("A daily digest"). */
export function cadenceLabel(m: Messages, cadence: Cadence): string {
  return m.t(`cadence.${cadence}`);
}

/**
 * The radio buttons of a cadence choice, `chosen` ticked (`each` where it is not offered). None when only one
 * cadence is offered: there is nothing to choose, and the form says nothing about it.
 */
export function cadenceChoices(
  config: Pick<Config, 'subscription'>,
  m: Messages,
  chosen: Cadence = 'each',
): CadenceChoice[] {
  const offered = offeredCadences(config);
  if (offered.length < 2) return [];
  const ticked = offered.includes(chosen) ? chosen : 'each';
  return offered.map((value) => ({ value, label: cadenceLabel(m, value), chosen: value === ticked }));
}
