import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../ports.ts';

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms: number) => delay(Math.max(0, ms)),
};
