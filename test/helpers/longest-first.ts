import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/*
 * The order files are handed to the workers in. The three projects share one pool of workers and vitest takes
 * files in the order given: by default one project after the other, and within one the longest first only when
 * its cache has timings (a clean clone has none, so it goes by file size). A file with a long setup handed out
 * last then runs alone at the end while the other workers wait. These files start first, the longest first
 * (measured on the 2-core machine; a file missing here only starts later). Unit files come last and together,
 * the longest of them first: they are short, and they share their workers' modules (isolate: false) only when
 * they follow one another.
 */
const LONGEST_FIRST = [
  'test/integration/local/long-history.test.ts',
  'test/integration/infra-bundle.test.ts',
  'test/browser/axe.test.ts',
  'test/integration/dispatch-faults.test.ts',
  'test/integration/local/start.test.ts',
  'test/integration/local/lifecycle.test.ts',
  'test/integration/dispatch-pause.test.ts',
  'test/browser/local-e2e.test.ts',
  'test/integration/partners-registry.test.ts',
  'test/integration/dispatch-stop.test.ts',
  'test/integration/dispatch.test.ts',
  'test/integration/adapters.test.ts',
  'test/integration/publish-faults.test.ts',
  'test/unit/hostile-input.test.ts',
  'test/unit/regex-audit.test.ts',
  'test/unit/digest-collect.test.ts',
  'test/unit/catalogue-build.test.ts',
  'test/unit/partners-build.test.ts',
  'test/unit/email-layout-equivalence.test.ts',
];

export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    const rank = (spec: TestSpecification) => {
      const at = LONGEST_FIRST.indexOf(relative(root, spec.moduleId));
      return at === -1 ? LONGEST_FIRST.length : at;
    };
    const unit = (spec: TestSpecification) => (spec.project.name === 'unit' ? 1 : 0);
    // A stable sort: files of the same rank keep the order vitest gave them.
    return sorted.sort((a, b) => unit(a) - unit(b) || rank(a) - rank(b));
  }
}
