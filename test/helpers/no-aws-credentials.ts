const CREDENTIAL_VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'];

/**
 * Removes the AWS credentials from the environment (a synthesis must need none) and returns what puts them back, for
 * the files that share the worker's process afterwards.
 */
export function withoutAwsCredentials(): () => void {
  const saved = CREDENTIAL_VARIABLES.map((key) => [key, process.env[key]] as const);
  for (const key of CREDENTIAL_VARIABLES) delete process.env[key];
  return () => {
    for (const [key, value] of saved) if (value !== undefined) process.env[key] = value;
  };
}
