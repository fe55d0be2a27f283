import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { stackAccount } from './account';
import { ref } from './private/reference';

/** A service allowed to use the key directly through the key policy (services that cannot use IAM delegation). */
export interface KeyServiceGrant {
  /** Service principal, e.g. `cloudwatch.amazonaws.com` or `logs.eu-west-1.amazonaws.com`. */
  readonly servicePrincipal: string;
  /** KMS actions the service needs. @default ['kms:Decrypt', 'kms:GenerateDataKey*'] */
  readonly actions?: string[];
  /** IAM condition block restricting the grant (e.g. to this account's resources). @default none */
  readonly condition?: Record<string, Record<string, string | string[]>>;
}

export interface EncryptionKeyProps {
  /** AWS region of the key (per-resource `region` argument of AWS provider 6). */
  readonly region: string;
  /** Alias without the `alias/` prefix; must be unique per account and region. */
  readonly alias: string;
  /** Human-readable description shown in the KMS console. */
  readonly description: string;
  /** Services granted use of the key in its key policy. @default none (account principals via IAM only) */
  readonly serviceGrants?: KeyServiceGrant[];
  /** Waiting period before a scheduled deletion completes, 7-30 days. @default 30 */
  readonly deletionWindowInDays?: number;
  /** Tags for the key. @default none */
  readonly tags?: Record<string, string>;
}

const ALIAS_PATTERN = /^[a-zA-Z0-9/_-]{1,250}$/;

/**
 * A customer-managed KMS key with rotation on, an explicit key policy and an alias. Destroying it would make every
 * backup encrypted with it unreadable, so it carries `prevent_destroy` and the longest deletion window.
 */
export class EncryptionKey extends Construct {
  /** The key resource. */
  public readonly key: KmsKey;
  /** ARN of the key. */
  public readonly keyArn: string;
  /** Key id. */
  public readonly keyId: string;
  /** Region the key lives in. */
  public readonly region: string;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    const problems: string[] = [];
    const deletionWindow = props.deletionWindowInDays ?? 30;
    if (!Number.isInteger(deletionWindow) || deletionWindow < 7 || deletionWindow > 30) {
      problems.push(`deletionWindowInDays: must be a whole number from 7 to 30 (KMS limit), got ${deletionWindow}`);
    }
    if (!ALIAS_PATTERN.test(props.alias) || props.alias.startsWith('aws/')) {
      problems.push(
        `alias: must be 1-250 letters, digits, '/', '_' or '-' and must not start with 'aws/', got '${props.alias}'`,
      );
    }
    if (problems.length > 0) {
      throw new Error(`EncryptionKey ${this.node.path}:\n  ${problems.join('\n  ')}`);
    }

    const { accountId, partition } = stackAccount(this);
    const statements: Record<string, unknown>[] = [
      {
        Sid: 'AccountAdministersKeyThroughIam',
        Effect: 'Allow',
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
      ...(props.serviceGrants ?? []).map((grant, index) => ({
        Sid: `ServiceUse${index}`,
        Effect: 'Allow',
        Principal: { Service: grant.servicePrincipal },
        Action: grant.actions ?? ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        ...(grant.condition ? { Condition: grant.condition } : {}),
      })),
    ];

    this.region = props.region;
    this.key = new KmsKey(this, 'key', {
      region: props.region,
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: deletionWindow,
      policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
      tags: props.tags,
      lifecycle: { preventDestroy: true },
    });
    new KmsAlias(this, 'alias', {
      region: props.region,
      name: `alias/${props.alias}`,
      targetKeyId: ref(this.key, 'keyId'),
    });
    this.keyArn = this.key.arn;
    this.keyId = this.key.keyId;
  }
}
