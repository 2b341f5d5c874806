import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { BroadsheetError } from '../errors.ts';
import { cloudFormationClientConfig } from './aws-clients.ts';

/** The stack does not exist in this account and region, or could not be read. */
export class StackNotFoundError extends BroadsheetError {
  override name = 'StackNotFoundError';
}

/** No AWS credentials could be found for the call. */
export class NoCredentialsError extends BroadsheetError {
  override name = 'NoCredentialsError';
}

/** The outputs of one deployed CloudFormation stack, by output key. */
export async function readStackOutputs(
  stackName: string,
  client = new CloudFormationClient(cloudFormationClientConfig()),
): Promise<Record<string, string>> {
  try {
    const answer = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = answer.Stacks?.[0];
    if (!stack) throw new StackNotFoundError(`stack ${stackName} was not found`);
    return Object.fromEntries(
      (stack.Outputs ?? [])
        .filter((o) => o.OutputKey && o.OutputValue !== undefined)
        .map((o) => [o.OutputKey!, o.OutputValue!]),
    );
  } catch (err) {
    if (err instanceof StackNotFoundError) throw err;
    const name = (err as { name?: string }).name ?? '';
    const message = (err as Error).message ?? String(err);
    if (/region is missing/i.test(message)) {
      throw new NoCredentialsError(
        "no AWS region is set: set AWS_REGION (or a profile with a region in AWS_PROFILE), or source a local run's desk.env",
        { cause: err },
      );
    }
    if (name === 'CredentialsProviderError' || /credential/i.test(message)) {
      throw new NoCredentialsError(
        'no AWS credentials were found (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)',
        { cause: err },
      );
    }
    if (name === 'ValidationError' && /does not exist/.test(message)) {
      throw new StackNotFoundError(
        `stack ${stackName} does not exist in region ${await client.config.region().catch(() => '?')}: deploy it with npx cdk deploy --all, name another with --stack <prefix> (or AWS_REGION), or source a local run's desk.env`,
        { cause: err },
      );
    }
    throw new StackNotFoundError(`stack ${stackName} could not be read: ${message}`, { cause: err });
  }
}
