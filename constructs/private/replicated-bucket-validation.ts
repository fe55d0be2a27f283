import { Token } from 'cdktf';
import {
  REPLICA_STORAGE_CLASSES,
  S3_SUPPORTED_TRANSITIONS,
  TRANSITION_STORAGE_CLASSES,
  type ReplicaStorageClass,
} from '../../src/spec/types';
import type { ReplicatedBucketProps, ReplicationAlarm, StorageTransition } from '../replicated-bucket';
import {
  ALARM_ID,
  BUCKET_NAME,
  IAM_ROLE_NAME_MAX,
  INFREQUENT_ACCESS,
  INFREQUENT_ACCESS_MIN_DAYS,
  MAX_OBJECT_LOCK_DAYS,
  MAX_OBJECT_LOCK_YEARS,
  MIN_BUCKET_RPO_SECONDS,
  REGION,
  REPLICATION_METRICS,
  RESERVED_BUCKET_PREFIXES,
  RESERVED_BUCKET_SUFFIXES,
} from './bucket-limits';

/** ReplicatedBucket props with every default resolved. */
export interface ResolvedDefaults {
  readonly replicationTimeControl: boolean;
  readonly replicaStorageClass: string;
  readonly transitions: StorageTransition[];
  readonly replicaTransitions: StorageTransition[];
  readonly abortDays: number;
  readonly roleName: string;
  readonly ruleId: string;
  readonly alarms: ReplicationAlarm[];
}

/** Every problem with ReplicatedBucket props, each naming the prop and the limit. */
export function replicatedBucketProblems(props: ReplicatedBucketProps, resolved: ResolvedDefaults): string[] {
  const problems: string[] = [];
  const literal = (value: unknown) => !Token.isUnresolved(value);
  const isWholeNumber = (value: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
    Number.isInteger(value) && value >= min && value <= max;

  for (const prop of ['sourceRegion', 'replicaRegion'] as const) {
    if (literal(props[prop]) && !REGION.test(props[prop])) {
      problems.push(`${prop}: must be an AWS region code such as eu-west-1, got '${props[prop]}'`);
    }
  }
  if (props.sourceRegion === props.replicaRegion) {
    problems.push(`replicaRegion: must differ from sourceRegion (${props.sourceRegion}); a same-region copy survives no regional failure`);
  }
  for (const prop of ['sourceBucketName', 'replicaBucketName'] as const) {
    const problem = literal(props[prop]) ? bucketNameProblem(props[prop]) : undefined;
    if (problem) problems.push(`${prop}: ${problem}, got '${props[prop]}'`);
  }
  if (props.sourceBucketName === props.replicaBucketName) {
    problems.push(`replicaBucketName: must differ from sourceBucketName (bucket names are global)`);
  }
  if (!isWholeNumber(props.retentionDays, 1)) {
    problems.push(`retentionDays: must be a whole number of days, at least 1, got ${props.retentionDays}`);
  }
  if (!Number.isFinite(props.rpoSeconds) || props.rpoSeconds < MIN_BUCKET_RPO_SECONDS) {
    problems.push(
      `rpoSeconds: must be at least ${MIN_BUCKET_RPO_SECONDS} (S3 Replication Time Control's 15-minute design target; no S3 mechanism promises less), got ${props.rpoSeconds}`,
    );
  } else if (props.rpoSeconds <= MIN_BUCKET_RPO_SECONDS && !resolved.replicationTimeControl) {
    problems.push(
      `replicationTimeControl: an RPO of ${props.rpoSeconds} s needs Replication Time Control; plain replication has no time bound`,
    );
  }
  if (!REPLICA_STORAGE_CLASSES.includes(resolved.replicaStorageClass as ReplicaStorageClass)) {
    problems.push(`replicaStorageClass: must be one of ${REPLICA_STORAGE_CLASSES.join(', ')}, got '${resolved.replicaStorageClass}'`);
  }
  if (!/^[\x20-\x7e]{1,255}$/.test(resolved.ruleId)) {
    problems.push(`replicationRuleId: must be 1-255 printable ASCII characters (S3 limit), got '${resolved.ruleId}'`);
  }
  problems.push(...alarmProblems(props, resolved));
  if (!isWholeNumber(resolved.abortDays, 1)) {
    problems.push(`abortIncompleteMultipartUploadDays: must be a whole number of days, at least 1, got ${resolved.abortDays}`);
  }
  if (literal(resolved.roleName) && resolved.roleName.length > IAM_ROLE_NAME_MAX) {
    problems.push(
      `replicationRoleName: IAM role names are at most ${IAM_ROLE_NAME_MAX} characters, got ${resolved.roleName.length} ('${resolved.roleName}'); pass a shorter replicationRoleName`,
    );
  }
  problems.push(...transitionProblems('transitions', 'STANDARD', resolved.transitions, props.retentionDays));
  problems.push(
    ...transitionProblems('replicaTransitions', resolved.replicaStorageClass, resolved.replicaTransitions, props.retentionDays),
  );
  if (props.objectLock) {
    const { mode, days, years } = props.objectLock;
    if (mode !== 'governance' && mode !== 'compliance') {
      problems.push(`objectLock.mode: must be 'governance' or 'compliance' (as in the spec), got '${mode}'`);
    }
    let lockDays: number | undefined;
    if ((days === undefined) === (years === undefined)) {
      problems.push(`objectLock: Object Lock needs a default retention: set exactly one of days or years`);
    } else if (days !== undefined && !isWholeNumber(days, 1, MAX_OBJECT_LOCK_DAYS)) {
      problems.push(`objectLock.days: must be a whole number from 1 to ${MAX_OBJECT_LOCK_DAYS} (S3 limit), got ${days}`);
    } else if (years !== undefined && !isWholeNumber(years, 1, MAX_OBJECT_LOCK_YEARS)) {
      problems.push(`objectLock.years: must be a whole number from 1 to ${MAX_OBJECT_LOCK_YEARS} (S3 limit), got ${years}`);
    } else {
      lockDays = days ?? (years as number) * 365;
    }
    if (lockDays !== undefined && lockDays > props.retentionDays) {
      problems.push(
        `objectLock.${days !== undefined ? 'days' : 'years'}: the lock (${lockDays} days) must not outlast retentionDays (${props.retentionDays}); locked versions could not be expired`,
      );
    }
  }
  if (props.sourceKey && props.sourceKey.region !== props.sourceRegion) {
    problems.push(`sourceKey: must be in sourceRegion ${props.sourceRegion} (S3 uses keys of its own region), got ${props.sourceKey.region}`);
  }
  if (props.replicaKey && props.replicaKey.region !== props.replicaRegion) {
    problems.push(`replicaKey: must be in replicaRegion ${props.replicaRegion} (S3 uses keys of its own region), got ${props.replicaKey.region}`);
  }
  if (!props.alarmTopics[props.sourceRegion]) {
    problems.push(
      `alarmTopics: no SNS topic for ${props.sourceRegion}; replication alarms live in the source region and can only notify a topic there`,
    );
  }
  return problems;
}

/** Alarms on replication metrics must use the dimensions S3 publishes and live in the source region, or never fire. */
function alarmProblems(props: ReplicatedBucketProps, resolved: ResolvedDefaults): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const real = { SourceBucket: props.sourceBucketName, DestinationBucket: props.replicaBucketName, RuleId: resolved.ruleId };
  resolved.alarms.forEach((alarm, index) => {
    const at = `alarms[${index}]`;
    if (!ALARM_ID.test(alarm.id)) problems.push(`${at}.id: must be 1-63 lowercase letters, digits or hyphens, got '${alarm.id}'`);
    if (seen.has(alarm.id)) problems.push(`${at}.id: duplicate alarm id '${alarm.id}'`);
    seen.add(alarm.id);
    if (alarm.namespace !== 'AWS/S3' || !REPLICATION_METRICS.has(alarm.metricName)) return;
    if (alarm.region !== props.sourceRegion) {
      problems.push(`${at}.region: S3 publishes ${alarm.metricName} in the source region ${props.sourceRegion}, got ${alarm.region}`);
    }
    const dims = alarm.dimensions;
    const keys = Object.keys(dims).sort().join(',');
    if (keys !== 'DestinationBucket,RuleId,SourceBucket' || Object.entries(real).some(([k, v]) => dims[k] !== v)) {
      problems.push(
        `${at}.dimensions: ${alarm.metricName} is published with exactly ${JSON.stringify(real)}, got ${JSON.stringify(dims)}`,
      );
    }
  });
  return problems;
}

function bucketNameProblem(name: string): string | undefined {
  if (!BUCKET_NAME.test(name)) {
    return 'must be 3-63 lowercase letters, digits or hyphens, starting and ending with a letter or digit';
  }
  const prefix = RESERVED_BUCKET_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) return `must not start with the reserved prefix '${prefix}'`;
  const suffix = RESERVED_BUCKET_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix) return `must not end with the reserved suffix '${suffix}'`;
  return undefined;
}

/** S3's lifecycle transition rules (S3 User Guide, "Transitioning objects using Amazon S3 Lifecycle"). */
function transitionProblems(
  prop: string,
  initialClass: string,
  transitions: StorageTransition[],
  retentionDays: number,
): string[] {
  const problems: string[] = [];
  let fromClass = initialClass;
  let previousDays: number | undefined;
  transitions.forEach((transition, index) => {
    const at = `${prop}[${index}]`;
    const { storageClass, afterDays } = transition;
    const reachable = S3_SUPPORTED_TRANSITIONS[fromClass] ?? [];
    if (!TRANSITION_STORAGE_CLASSES.includes(storageClass)) {
      problems.push(`${at}.storageClass: must be one of ${TRANSITION_STORAGE_CLASSES.join(', ')}, got '${storageClass}'`);
    } else if (!reachable.includes(storageClass)) {
      problems.push(
        `${at}.storageClass: S3 lifecycle cannot move objects from ${fromClass} to ${storageClass} (supported: ${reachable.join(', ') || 'none'})`,
      );
    }
    if (!Number.isInteger(afterDays) || afterDays < 1) {
      problems.push(`${at}.afterDays: must be a whole number of days, at least 1, got ${afterDays}`);
    } else {
      if (INFREQUENT_ACCESS.has(storageClass) && afterDays < INFREQUENT_ACCESS_MIN_DAYS) {
        problems.push(`${at}.afterDays: S3 moves objects to ${storageClass} only after at least ${INFREQUENT_ACCESS_MIN_DAYS} days, got ${afterDays}`);
      }
      if (previousDays !== undefined && afterDays <= previousDays) {
        problems.push(`${at}.afterDays: transitions must be in increasing afterDays, got ${afterDays} after ${previousDays}`);
      } else if (
        previousDays !== undefined &&
        INFREQUENT_ACCESS.has(fromClass) &&
        afterDays < previousDays + INFREQUENT_ACCESS_MIN_DAYS
      ) {
        problems.push(
          `${at}.afterDays: objects must stay ${INFREQUENT_ACCESS_MIN_DAYS} days in ${fromClass} before moving on (S3 minimum), so at least ${previousDays + INFREQUENT_ACCESS_MIN_DAYS}, got ${afterDays}`,
        );
      }
      if (Number.isInteger(retentionDays) && afterDays >= retentionDays) {
        problems.push(
          `${at}.afterDays: ${afterDays} is not before retentionDays (${retentionDays}); noncurrent versions would expire before the transition`,
        );
      }
    }
    fromClass = storageClass;
    previousDays = afterDays;
  });
  return problems;
}
