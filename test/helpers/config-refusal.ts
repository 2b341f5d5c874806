import { expect } from 'vitest';
import { ConfigError, configFrom } from '../../src/config.ts';

/** The message the loader gives for a file with `raw` in it, or '' when it accepts it. */
export function configRefusal(raw: Record<string, unknown>): string {
  try {
    configFrom(raw, 'broadsheet.config.json');
    return '';
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
}
