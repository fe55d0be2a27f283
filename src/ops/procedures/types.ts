/**
 * Recovery procedures as data. One procedure is built once from the plan (pure functions, no AWS calls), then either
 * executed by a `lifeboat` command through the AWS SDK or rendered by `lifeboat runbook` as shell commands for a
 * person. Both read the same steps, so the printed runbook and the command cannot drift apart.
 */

/**
 * A value known only while the procedure runs. Strings may also embed `${NAME}` (a run-time variable or a capture):
 * the shell expands it in the runbook, the executor substitutes it before the call.
 */
export interface Ref {
  ref: string;
}

/** An input value of an AWS call: exactly the SDK's input shape, with `Ref`s where a value is known only at run time. */
export type Value = string | number | boolean | Ref | readonly Value[] | { readonly [key: string]: Value };

export type Service = 'rds' | 's3' | 's3control' | 'backup' | 'sts';

/** A resource a step creates or changes, named before anything runs. */
export interface ResourceRef {
  kind: 'db-instance' | 'db-cluster' | 'global-cluster' | 'db-cluster-parameter-group' | 'automated-backups-replication' | 's3-object' | 's3-batch-job' | 'db-snapshot';
  /** Identifier (or a description for resources whose id AWS assigns). */
  identifier: string;
  region: string;
}

/** A value an AWS call's answer provides to later steps (`query` is a JMESPath subset: `A[0].B.C`). */
export interface Capture {
  name: string;
  query: string;
}

/** One AWS API call. `operation` is the SDK command name without `Command` (`RestoreDBInstanceToPointInTime`). */
export interface CallStep {
  kind: 'call';
  id: string;
  title: string;
  service: Service;
  operation: string;
  region: string;
  input: { readonly [key: string]: Value };
  creates?: ResourceRef[];
  changes?: ResourceRef[];
  capture?: Capture[];
  /** An "already exists" answer means a rerun found the resource in place: carry on. */
  alreadyExistsOk?: boolean;
  /** Why this call is made this way (printed above the command). */
  note?: string;
}

/**
 * What a wait waits for. Each is a real completion condition, polled until true or the timeout:
 * - `db-instance-available` / `db-cluster-available`: the resource exists under that name AND is `available`. "Not
 *   found" counts as not yet (right after a rename RDS answers DBInstanceNotFound for the new name for a while).
 * - `db-instance-promoted`: available and no longer a read replica.
 * - `global-writer`: the global cluster reports no `FailoverState` (switchover or failover finished) and the given
 *   cluster is its writer; `db-cluster-available` returns while a global failover is still in progress.
 * - `automated-backups-replicating`: replicated automated backups of the instance exist in the region and replicate.
 * - `db-snapshot-available`: the DB snapshot (or DB cluster snapshot) exists in the region and is `available`.
 * - `backup-restore-job`: the AWS Backup restore job is `COMPLETED`; `FAILED` or `ABORTED` fail the wait with the
 *   job's status message. The job id is known only at run time (`${RESTORE_JOB_ID}`).
 */
export type WaitCondition =
  | { type: 'db-instance-available'; identifier: string; secretActive?: boolean }
  | { type: 'db-cluster-available'; identifier: string; secretActive?: boolean }
  | { type: 'db-instance-promoted'; identifier: string }
  | { type: 'global-writer'; globalClusterIdentifier: string; writerClusterIdentifier: string }
  | { type: 'automated-backups-replicating'; sourceIdentifier: string }
  | { type: 'db-snapshot-available'; identifier: string; cluster: boolean }
  | { type: 'backup-restore-job'; restoreJobId: string };

export interface WaitStep {
  kind: 'wait';
  id: string;
  title: string;
  region: string;
  condition: WaitCondition;
  /** What it usually takes, for progress and the runbook. */
  expectedSeconds: number;
  /** When to give up. Far above the expected time: a large restore legitimately takes hours. */
  timeoutSeconds: number;
  pollSeconds: number;
}

/** The store's data checks (the plan's verification checks and freshness) against a restored database. */
export interface CheckStep {
  kind: 'check';
  id: string;
  title: string;
  region: string;
  /** The instance or cluster the checks connect to. */
  identifier: string;
  identifierKind: 'db-instance' | 'db-cluster';
}

/**
 * A Terraform resource address, found in `cdk.tf.json` by an attribute's value (a physical name, or a reference to
 * another resource such as `${aws_db_instance.x.arn}`). `resolved` holds the exact address when the stack's JSON was
 * read; otherwise the runbook looks it up in `$TF_STACK_DIR/cdk.tf.json` with the same rule.
 */
export interface TfAddress {
  type: string;
  attribute: string;
  /** The attribute's value, or the resource it must reference (`${<that address>.<suffix>}`). */
  equals: string | { address: TfAddress; suffix: string };
  resolved: string | null;
}

export type TerraformCommand =
  | { type: 'init' }
  | { type: 'state-rm'; address: TfAddress; why: string }
  | { type: 'import'; address: TfAddress; id: string | Ref; why: string }
  | { type: 'plan-no-destroy' };

/** Terraform state reconciliation after a restore or a failover; ends with a plan that must show no destroy. */
export interface TerraformStep {
  kind: 'terraform';
  id: string;
  title: string;
  commands: TerraformCommand[];
}

/** Shell a person runs (data transformations with jq); the commands do not execute these. */
export interface ShellStep {
  kind: 'shell';
  id: string;
  title: string;
  lines: string[];
}

/** Something a person decides or does outside AWS (stop writers, point clients elsewhere). */
export interface NoteStep {
  kind: 'note';
  id: string;
  title: string;
}

export type Step = CallStep | WaitStep | CheckStep | TerraformStep | ShellStep | NoteStep;

export type ProcedureId =
  | 'restore-instance'
  | 'restore-instance-dr'
  | 'restore-cluster'
  | 'restore-recovery-point'
  | 'switch-instance'
  | 'switch-cluster'
  | 'promote-replica'
  | 'global-switchover'
  | 'global-failover'
  | 'global-rpo-release'
  | 'bucket-restore-prefix'
  | 'checkpoint';

export interface Procedure {
  id: ProcedureId;
  storeId: string;
  title: string;
  /** One paragraph: when to use it and what it costs. */
  summary: string;
  /** The `lifeboat` command that runs it (the primary path); null when only a person can. */
  command: string | null;
  /** Run-time values the procedure needs before it starts (e.g. RESTORE_TIME). */
  variables: { name: string; description: string }[];
  steps: Step[];
}

export function ref(name: string): Ref {
  return { ref: name };
}

export function isRef(value: unknown): value is Ref {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as Ref).ref === 'string' && Object.keys(value).length === 1;
}

/** Every resource a procedure creates or changes, in step order (what a command prints before it acts). */
export function touchedResources(procedure: Procedure): { action: 'create' | 'change'; resource: ResourceRef; step: string }[] {
  return procedure.steps.flatMap((step) =>
    step.kind === 'call'
      ? [
          ...(step.creates ?? []).map((resource) => ({ action: 'create' as const, resource, step: step.id })),
          ...(step.changes ?? []).map((resource) => ({ action: 'change' as const, resource, step: step.id })),
        ]
      : [],
  );
}
