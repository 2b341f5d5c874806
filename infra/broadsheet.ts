import type { App, Environment } from 'aws-cdk-lib';
import { DataStack } from './data-stack.ts';
import { PipelineStack } from './pipeline-stack.ts';
import type { BroadsheetSettings } from './settings.ts';

export interface BroadsheetStacks {
  readonly data: DataStack;
  readonly pipeline: PipelineStack;
}

export interface BroadsheetOptions {
  /** Prefix of the two stack names. Default: `Broadsheet`. */
  readonly stackPrefix?: string;
  /** Default: environment-agnostic (the account and region of the credentials used to deploy). */
  readonly env?: Environment;
}

/** The whole deployment: a data stack (retained state) and a pipeline stack (code and wiring) that uses it. */
export function buildBroadsheet(app: App, settings: BroadsheetSettings, options: BroadsheetOptions = {}): BroadsheetStacks {
  const prefix = options.stackPrefix ?? 'Broadsheet';
  const env = options.env ? { env: options.env } : {};
  const data = new DataStack(app, `${prefix}Data`, {
    ...env,
    description: `Broadsheet data for ${settings.domain}: buckets, tables, SES identity, token key (all retained)`,
    terminationProtection: true,
    domain: settings.domain,
  });
  const pipeline = new PipelineStack(app, `${prefix}Pipeline`, {
    ...env,
    description: `Broadsheet pipeline for ${settings.domain}: functions, dispatch queue, distribution, alarms`,
    data,
    settings,
  });
  return { data, pipeline };
}
