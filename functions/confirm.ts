// Confirm: GET → a page with a button; POST → the pending subscriber is confirmed (double opt-in).
import { handleConfirmRequest } from '../src/http/subscriber-routes.ts';
import type { FunctionUrlEvent, FunctionUrlResult } from '../src/http/types.ts';
import { endpointsFromEnv } from '../src/pipeline/deps.ts';
import { loadRuntimeConfig } from '../src/pipeline/runtime-config.ts';
import { subscriberDeps } from '../src/subscribers/runtime-deps.ts';

const deps = subscriberDeps(await loadRuntimeConfig(), endpointsFromEnv(), 'confirm');

export function handler(event: FunctionUrlEvent): Promise<FunctionUrlResult> {
  return handleConfirmRequest(deps, event);
}
