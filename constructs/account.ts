import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { ref } from './private/reference';

/** The account and partition a stack deploys into, as Terraform references. */
export interface StackAccount {
  /** Account id, e.g. `${data.aws_caller_identity.lifeboat_account.account_id}`. */
  readonly accountId: string;
  /** Partition, e.g. `aws`, `aws-cn`, `aws-us-gov`. */
  readonly partition: string;
}

const ACCOUNT_ID = 'lifeboat-account';
const PARTITION_ID = 'lifeboat-partition';

/**
 * One `aws_caller_identity` and one `aws_partition` data source per stack, shared by every construct that writes an
 * ARN or a key policy, so policies never hard-code an account and the synthesized JSON has no duplicates.
 */
export function stackAccount(scope: IConstruct): StackAccount {
  const stack = TerraformStack.of(scope);
  const identity =
    (stack.node.tryFindChild(ACCOUNT_ID) as DataAwsCallerIdentity | undefined) ?? new DataAwsCallerIdentity(stack, ACCOUNT_ID);
  const partition =
    (stack.node.tryFindChild(PARTITION_ID) as DataAwsPartition | undefined) ?? new DataAwsPartition(stack, PARTITION_ID);
  // One pair of references per data source, asked for hundreds of times in a large stack; kept beside the data
  // sources, so it lives and dies with the stack. They are same-stack references: the data sources are per stack.
  let account = references.get(identity);
  if (!account || references.get(partition) !== account) {
    account = { accountId: ref(identity, 'accountId'), partition: ref(partition, 'partition') };
    references.set(identity, account).set(partition, account);
  }
  return account;
}

const references = new WeakMap<DataAwsCallerIdentity | DataAwsPartition, StackAccount>();
