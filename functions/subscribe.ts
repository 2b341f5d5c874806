// Subscribe: the web form's POST → a pending subscriber and a confirmation email; GET → the form.
import { handleSubscribeRequest } from '../src/http/subscriber-routes.ts';
import type { FunctionUrlEvent, FunctionUrlResult } from '../src/http/types.ts';
import { endpointsFromEnv } from '../src/pipeline/deps.ts';
import { loadRuntimeConfig } from '../src/pipeline/runtime-config.ts';
import { subscriberDeps } from '../src/subscribers/runtime-deps.ts';

const deps = subscriberDeps(await loadRuntimeConfig(), endpointsFromEnv(), 'subscribe');

export function handler(event: FunctionUrlEvent): Promise<FunctionUrlResult> {
  return handleSubscribeRequest(deps, event);
}
