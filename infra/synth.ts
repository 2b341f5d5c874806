import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildBroadsheet, type BroadsheetStacks } from './broadsheet.ts';
import { PROJECT_ROOT } from './constructs/broadsheet-function.ts';
import { readSettings, type BroadsheetSettings } from './settings.ts';

/** The context of cdk.json, as `npx cdk synth` passes it to the app. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(`${PROJECT_ROOT}cdk.json`, 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

/** Runs every synth of the app through the AWS Solutions rules; an unacknowledged finding fails synthesis. */
export function addChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

export interface SynthOptions {
  /** Overrides of cdk.json's context, as `-c key=value` would give. */
  readonly context?: Record<string, unknown>;
  /** Bundle the functions with esbuild. Default: false (placeholder assets, much faster). */
  readonly bundling?: boolean;
  /** aws-cdk-lib's built-in CloudFormation validation. Default: false. */
  readonly cloudFormationValidation?: boolean;
  /** cdk-nag AwsSolutions. Default: true. */
  readonly nag?: boolean;
  /** Change the app after it is built and before it is synthesised. */
  readonly extend?: (stacks: BroadsheetStacks) => void;
}

export interface Synthesised {
  readonly app: App;
  readonly settings: BroadsheetSettings;
  readonly stacks: BroadsheetStacks;
  readonly assembly: CloudAssembly;
}

/** The app as the CLI builds it from cdk.json, synthesised in-process into a temporary directory (for tests). */
export function synthesizeBroadsheet(options: SynthOptions = {}): Synthesised {
  const context: Record<string, unknown> = { ...cdkJsonContext(), ...options.context };
  if (!options.bundling) context['aws:cdk:bundling-stacks'] = [];
  const outdir = mkdtempSync(join(tmpdir(), 'broadsheet-cdk-'));
  const app = new App({
    outdir,
    context,
    builtinCloudFormationValidation: options.cloudFormationValidation ?? false,
  });
  const settings = readSettings((key) => app.node.tryGetContext(key));
  const stacks = buildBroadsheet(app, settings);
  options.extend?.(stacks);
  if (options.nag ?? true) addChecks(app);
  try {
    return { app, settings, stacks, assembly: app.synth() };
  } catch (err) {
    rmSync(outdir, { recursive: true, force: true });
    throw err;
  }
}
