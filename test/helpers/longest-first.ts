import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/*
 * The order files are handed to the workers in. Vitest takes files in the order given, and a worker that has run a
 * file of a project without isolation (unit, integration) runs the next one only when the next file in line is of the
 * same project; otherwise it stops and a new worker starts, importing every module again. So each project's files
 * come together: the browser files first (few, and each starts Chromium), then the integration files, then the unit
 * files. Within a project the files with the longest set-up start first, the longest first (measured on the 2-core
 * machine; a file missing here only starts later), so that none of them is left running alone at the end.
 */
const LONGEST_FIRST = [
  'test/browser/axe.test.ts',
  'test/browser/local-e2e.test.ts',
  'test/browser/csp.test.ts',
  'test/browser/http.test.ts',
  'test/browser/listing.test.ts',
  'test/integration/infra-bundle.test.ts',
  'test/integration/local/start.test.ts',
  'test/integration/dispatch-faults.test.ts',
  'test/integration/local/long-history.test.ts',
  'test/integration/partners-registry.test.ts',
  'test/integration/local/lifecycle.test.ts',
  'test/integration/dispatch-stop.test.ts',
  'test/integration/partner-webhooks.test.ts',
  'test/integration/publish-faults.test.ts',
  'test/integration/dispatch.test.ts',
  'test/integration/dispatch-pause.test.ts',
  'test/integration/cli.test.ts',
  'test/integration/subscribe-abuse.test.ts',
  'test/unit/hostile-input.test.ts',
  'test/unit/regex-audit.test.ts',
  'test/unit/catalogue-build.test.ts',
  'test/unit/dispatch-faults-units.test.ts',
  'test/unit/partners-build.test.ts',
  'test/unit/parse-front-matter-hostile.test.ts',
];

const PROJECT_ORDER = ['browser', 'integration', 'unit'];

export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    const rank = (spec: TestSpecification) => {
      const at = LONGEST_FIRST.indexOf(relative(root, spec.moduleId));
      return at === -1 ? LONGEST_FIRST.length : at;
    };
    const project = (spec: TestSpecification) => PROJECT_ORDER.indexOf(spec.project.name);
    // A stable sort: files of the same rank keep the order vitest gave them.
    return sorted.sort((a, b) => project(a) - project(b) || rank(a) - rank(b));
  }
}
