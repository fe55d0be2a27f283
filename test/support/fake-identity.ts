/**
 * Small fakes of STS (who is calling) and Secrets Manager (the managed master-user secrets RDS creates), for the
 * operator commands. Secrets are registered by ARN with the credentials a test database accepts.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { FAKE_ACCOUNT } from './fake-rds';

export class FakeIdentityAndSecrets {
  readonly sts = mockClient(STSClient);
  readonly secrets = mockClient(SecretsManagerClient);
  /** Region of each GetCallerIdentity call, in order (STS is regional: the plan's region, never a fixed one). */
  readonly callerRegions: string[] = [];
  /** Secret ARNs read, in order (what was never printed must still have been read only when needed). */
  readonly secretReads: string[] = [];
  private credentials: { username: string; password: string } = { username: 'lifeboat_admin', password: 'not-a-real-password' };

  constructor() {
    this.sts.on(GetCallerIdentityCommand).callsFake(async (_input: unknown, getClient: () => { config: { region?: unknown } }) => {
      const configured = getClient?.()?.config?.region;
      this.callerRegions.push(typeof configured === 'function' ? String(await (configured as () => Promise<string>)()) : String(configured ?? 'unknown'));
      return { Account: FAKE_ACCOUNT, Arn: `arn:aws:sts::${FAKE_ACCOUNT}:assumed-role/incident/jane`, UserId: 'AROAEXAMPLE:jane' };
    });
    this.secrets.on(GetSecretValueCommand).callsFake(async (input: { SecretId: string }) => {
      this.secretReads.push(input.SecretId);
      return { ARN: input.SecretId, SecretString: JSON.stringify(this.credentials) };
    });
  }

  /** Every managed secret answers with these credentials (the test database's). */
  useCredentials(username: string, password: string): void {
    this.credentials = { username, password };
  }

  restore(): void {
    this.sts.restore();
    this.secrets.restore();
  }
}
