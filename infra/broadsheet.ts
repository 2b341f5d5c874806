import type { App, Environment } from 'aws-cdk-lib';
import { EdgeStack } from './constructs/edge-stack.ts';
import { DataStack } from './data-stack.ts';
import { PipelineStack } from './pipeline-stack.ts';
import type { BroadsheetSettings } from './settings.ts';

export interface BroadsheetStacks {
  readonly data: DataStack;
  readonly pipeline: PipelineStack;
  readonly edge: EdgeStack;
}

export interface BroadsheetOptions {
  /** Prefix of the two stack names. Default: `Broadsheet`. */
  readonly stackPrefix?: string;
  /** Default: environment-agnostic (the account and region of the credentials used to deploy). */
  readonly env?: Environment;
}

/** The whole deployment: a data stack (retained state) and a pipeline stack (code and wiring) that uses it. */
export function buildBroadsheet(
  app: App,
  settings: BroadsheetSettings,
  options: BroadsheetOptions = {},
): BroadsheetStacks {
  const prefix = options.stackPrefix ?? 'Broadsheet';
  const env = options.env ? { env: options.env } : {};
  const data = new DataStack(app, `${prefix}Data`, {
    ...env,
    description: `Broadsheet data for ${settings.domain}: buckets, tables, SES identity, token key (all retained)`,
    terminationProtection: true,
    domain: settings.domain,
    mail: {
      fromDomain: settings.sender.split('@')[1]!.toLowerCase(),
      mailFromSubdomain: settings.mailFromSubdomain,
      dmarc: { policy: settings.dmarcPolicy, rua: settings.dmarcRua },
      hostedZone: settings.hostedZone,
      tracking: settings.publication.sending.tracking,
    },
  });
  // Always in us-east-1, where CloudFront finds edge functions and web ACLs, whatever region the others go to.
  const edge = new EdgeStack(app, `${prefix}Edge`, {
    ...(options.env?.account !== undefined && { env: { account: options.env.account } }),
    description: `Broadsheet edge for ${settings.domain}: the form-body hash for origin access control, the subscribe rate limit`,
    stackPrefix: prefix,
    subscribeRateLimit: settings.webAclArn ? undefined : settings.subscribeRateLimit,
  });
  const pipeline = new PipelineStack(app, `${prefix}Pipeline`, {
    ...env,
    description: `Broadsheet pipeline for ${settings.domain}: functions, dispatch queue, distribution, alarms`,
    data,
    settings,
    stackPrefix: prefix,
  });
  pipeline.addStackDependency(edge, 'the distribution runs the edge function and uses the web ACL');
  return { data, pipeline, edge };
}
