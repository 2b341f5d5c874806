import { SESv2Client } from '@aws-sdk/client-sesv2';
import { awsClientConfigs } from '../adapters/aws-clients.ts';
import { systemClock } from '../adapters/clock.ts';
import { createDocumentClient, DynamoTable } from '../adapters/dynamo-table.ts';
import { SesMailer } from '../adapters/ses-mailer.ts';
import type { Config } from '../config.ts';
import { createLogger } from '../log.ts';
import { endpointsFromEnv } from '../pipeline/deps.ts';
import type { SubscriberDeps } from '../subscribers/flows.ts';
import { UsageError } from './errors.ts';

/**
 * The subscriber table the command works on, from the environment: SUBSCRIBERS_TABLE (the deployed table's
 * name) and TOKEN_SECRET (the key subscriber ids and links are signed with), with the usual AWS credentials.
 */
export function subscribersCommandDeps(config: Config, env: Record<string, string | undefined> = process.env): SubscriberDeps {
  const table = env.SUBSCRIBERS_TABLE?.trim();
  const tokenSecret = env.TOKEN_SECRET?.trim();
  if (!table || !tokenSecret) {
    throw new UsageError(
      'subscribers commands work on the deployed subscriber table: set SUBSCRIBERS_TABLE to its name and TOKEN_SECRET to the token key (the value of the stack\'s token secret), with AWS credentials for the account',
    );
  }
  const clients = awsClientConfigs(endpointsFromEnv(env));
  return {
    subscribers: new DynamoTable(createDocumentClient(clients.dynamodb), { tableName: table, partitionKey: 'id' }),
    mailer: new SesMailer(new SESv2Client(clients.sesv2)),
    config,
    tokenSecret,
    clock: systemClock,
    log: createLogger({ fn: 'subscribers-cli' }, (line) => process.stderr.write(`${line}\n`)),
    ...(env.CONFIGURATION_SET ? { configurationSet: env.CONFIGURATION_SET } : {}),
  };
}
