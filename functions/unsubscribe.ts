// Unsubscribe: GET → a page with a button; POST from it or RFC 8058 one-click → unsubscribed.
import { handleUnsubscribeRequest } from '../src/http/subscriber-routes.ts';
import type { FunctionUrlEvent, FunctionUrlResult } from '../src/http/types.ts';
import { endpointsFromEnv } from '../src/pipeline/deps.ts';
import { loadRuntimeConfig } from '../src/pipeline/runtime-config.ts';
import { subscriberDeps } from '../src/subscribers/runtime-deps.ts';

const deps = subscriberDeps(await loadRuntimeConfig(), endpointsFromEnv(), 'unsubscribe');

export function handler(event: FunctionUrlEvent): Promise<FunctionUrlResult> {
  return handleUnsubscribeRequest(deps, event);
}
