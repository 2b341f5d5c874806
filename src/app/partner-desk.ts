import { ConfigError, type Config } from '../config.ts';
import { createLogger } from '../log.ts';
import { partnerSecretFrom } from '../partners/paths.ts';
import type { PublishDeps } from '../pipeline/publish/index.ts';
import { catalogueCommandDeps } from './cli.ts';
import { queue } from './adapters.ts';
import { endpointsFromEnv, RUNTIME_ENV } from './runtime-config.ts';

type Env = Record<string, string | undefined>;

/** The publish stage's deps for a desk command on the deployed partners: the partner secret is always the stack's. */
export type PartnerDeskDeps = PublishDeps & { partnerSecret: string };

/**
 * `broadsheet partners ... --stack` works on the deployed buckets, named as the publish function has them
 * (EDITORIALS_BUCKET: the partner registry and the partners' catalogue; PUBLIC_BUCKET: their feeds), with the usual AWS
 * credentials; BROADSHEET_LOCAL_ENDPOINTS points it at a local run instead.
 */
export function partnerDeskDeps(config: Config, env: Env = process.env): PartnerDeskDeps {
  if (!env[RUNTIME_ENV.editorialsBucket]?.trim() || !env[RUNTIME_ENV.publicBucket]?.trim()) {
    throw new ConfigError(
      `partners --stack works on the deployed buckets: set ${RUNTIME_ENV.editorialsBucket} and ${RUNTIME_ENV.publicBucket} to the stack's bucket names (the BroadsheetData outputs), with AWS credentials for the account`,
    );
  }
  const partnerSecret = stackPartnerSecret(env);
  // Where partner webhooks are queued (the stack's WebhookQueueUrl output): a removed partner is sent its tombstones.
  const webhookQueueUrl = env[RUNTIME_ENV.webhookQueueUrl]?.trim();
  return {
    ...catalogueCommandDeps(config, env),
    partnerSecret,
    ...(webhookQueueUrl && { webhooks: queue({ endpoints: endpointsFromEnv(env) }, webhookQueueUrl) }),
    log: createLogger({ fn: 'partners-cli' }, (line) => process.stderr.write(`${line}\n`)),
  };
}

/**
 * The stack's partner secret. Paths derived from any other secret would be wrong, and a rotation would then delete
 * nothing and write feeds nobody reads, so there is no development fallback here. Only the environment is read: the
 * Secrets Manager client is not part of this install, so a secret named by ARN alone is refused with how to fetch it.
 */
export function stackPartnerSecret(env: Env): string {
  if (env[RUNTIME_ENV.partnerSecret] !== undefined) return partnerSecretFrom(env).value;
  const arn = env[RUNTIME_ENV.partnerSecretArn]?.trim();
  const fetch = `export ${RUNTIME_ENV.partnerSecret}="$(aws secretsmanager get-secret-value --secret-id ${arn || '<PartnerSecret ARN>'} --query SecretString --output text)"`;
  throw new ConfigError(
    arn
      ? `${RUNTIME_ENV.partnerSecretArn} is set, but this command reads the partner secret from ${RUNTIME_ENV.partnerSecret} only: ${fetch}`
      : `partners --stack needs the stack's partner secret in ${RUNTIME_ENV.partnerSecret} (the data stack's PartnerSecret): ${fetch}`,
  );
}
