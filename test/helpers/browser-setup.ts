import { unpackBrowser } from './browser.ts';

/** Global set-up of the browser project: the browser is unpacked once, before its test files start in parallel. */
export default async function setup(): Promise<void> {
  await unpackBrowser();
}
