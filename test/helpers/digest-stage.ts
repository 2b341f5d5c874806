// The publish stage over stores in memory whose upload times follow the test clock (an S3 event handled the moment
// the desk uploads), for the digest tests: editorials become public at the times a test chooses.
import { loadConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import type { ObjectSummary } from '../../src/ports.ts';
import {
  publishObject,
  releaseEmbargoed,
  type PublishDeps,
  type PublishOutcome,
} from '../../src/pipeline/publish/index.ts';
import type { DispatchRequest } from '../../src/pipeline/publish/dispatch-request.ts';
import { MemoryStore } from './memory-store.ts';
import { fakeClock, type FakeClock } from './publish-harness.ts';

export const config = loadConfig();

/** A MemoryStore that notes every prefix it was asked to list. */
export class ListingStore extends MemoryStore {
  readonly listed: string[] = [];

  override list(prefix: string): AsyncIterable<ObjectSummary> {
    this.listed.push(prefix);
    return super.list(prefix);
  }
}

export interface DigestStage {
  clock: FakeClock;
  editorials: ListingStore;
  deps: PublishDeps;
  /** Every request the publish stage handed to the planner. */
  planned: DispatchRequest[];
  /** Uploads `<slug>.md` as the desk approves it, at the clock's time, and publishes it. */
  publish(slug: string, fields: Record<string, string>, options?: EditorialText): Promise<PublishOutcome>;
  /** The S3 event of the same upload delivered again. */
  redeliver(slug: string): Promise<PublishOutcome>;
  /** Deletes the approved file, as a desk removing it does, and delivers that event. */
  remove(slug: string): Promise<PublishOutcome>;
  release(): Promise<string[]>;
  at(iso: string): void;
}

export interface EditorialText {
  body?: string;
  sources?: number;
}

export function digestStage(
  start: string,
  options: { config?: Config; planDispatch?: (request: DispatchRequest) => Promise<void> } = {},
): DigestStage {
  const clock = fakeClock(new Date(start));
  const editorials = new ListingStore(() => clock.now());
  const planned: DispatchRequest[] = [];
  const deps: PublishDeps = {
    editorials,
    site: new MemoryStore(() => clock.now()),
    config: options.config ?? config,
    clock,
    log: createLogger({}, () => {}),
    planDispatch: async (request) => {
      planned.push(request);
      await options.planDispatch?.(request);
    },
    stopDispatch: async () => {},
  };
  const key = (slug: string) => `approved/${slug}.md`;
  return {
    clock,
    editorials,
    deps,
    planned,
    publish: async (slug, fields, text = {}) => {
      await editorials.put(key(slug), editorialText(fields, text), { contentType: 'text/plain; charset=utf-8' });
      return publishObject(deps, { kind: 'created', key: key(slug) });
    },
    redeliver: (slug) => publishObject(deps, { kind: 'created', key: key(slug) }),
    remove: async (slug) => {
      await editorials.delete(key(slug));
      return publishObject(deps, { kind: 'removed', key: key(slug) });
    },
    release: () => releaseEmbargoed(deps),
    at: (iso) => clock.set(new Date(iso)),
  };
}

/** An editorial's Markdown: the fields given, `sources` provenance lines, and a body. */
export function editorialText(fields: Record<string, string>, text: EditorialText = {}): string {
  const sources = Array.from({ length: text.sources ?? 1 }, (_, n) => [
    `  - url: https://t.me/source_${n + 1}`,
    `    label: Source ${n + 1}`,
  ]).flat();
  return [
    '---',
    ...Object.entries(fields).map(([k, v]) => `${k}: ${v}`),
    'provenance:',
    ...sources,
    '---',
    '',
    text.body ?? 'The body of the editorial, long enough to read.',
    '',
  ].join('\n');
}
