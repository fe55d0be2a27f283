/**
 * Who runs an operator command, for the `lifeboat:created-by` tag of what it creates. Asked of STS in the region the
 * command works in (from the plan): the regional endpoint answers in every partition (aws, aws-cn, aws-us-gov) and in
 * accounts that deactivated STS in us-east-1, where a global-endpoint call would fail.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { withRetry, type AwsClients } from '../ops/execute';
import { arnPartition } from '../ops/names';

/** The last part of the STS caller ARN (`assumed-role/incident/jane` -> `jane`); the local user when STS cannot say. */
export async function callerName(env: { clients: AwsClients; sleep: (ms: number) => Promise<void> }, region: string): Promise<string> {
  return (await callerIdentity(env, region)).name;
}

/**
 * The caller's name, account and the region's ARN partition (one STS call), for ARNs built from them (an AWS Backup
 * service role, the protected resource). The name falls back to the local user and the account to "" when STS
 * cannot say.
 */
export async function callerIdentity(env: { clients: AwsClients; sleep: (ms: number) => Promise<void> }, region: string): Promise<{ name: string; account: string; partition: string }> {
  try {
    const out = await withRetry(() => env.clients.sts(region).send(new GetCallerIdentityCommand({})), env.sleep);
    return { name: out.Arn?.split('/').pop() ?? 'unknown', account: out.Account ?? '', partition: arnPartition(region) };
  } catch {
    return { name: process.env.USER ?? 'unknown', account: '', partition: arnPartition(region) };
  }
}
