/**
 * One definition of every alarm Lifeboat creates, cdktf-free: the planner puts them in the plan, and each construct
 * used alone plans its own through the same functions, then renders them (constructs/alarm.ts).
 */
export type { AlarmPlan, AlarmStatistic, ComparisonOperator, TreatMissingData } from './types';
export { ALARM_IDS, ALARM_NAME_MAX, alarmName, alarmNamePrefix } from './names';
export { alarmOwner, alarmsOwnedBy, type AlarmOwner } from './owners';
export {
  auroraClusterAlarms,
  backupVaultAlarms,
  FREE_STORAGE_ALARM_FRACTION,
  lagThresholdSeconds,
  rdsInstanceAlarms,
  type AuroraClusterAlarmInput,
  type BackupVaultAlarmInput,
  type RdsInstanceAlarmInput,
} from './rds';
export {
  DEFAULT_PROBE_BREACHING_RUNS,
  DEFAULT_PROBE_INTERVAL_MINUTES,
  PITR_LOG_UPLOAD_INTERVAL_SECONDS,
  probeAlarms,
  type ProbeAlarmInput,
  type ProbeBound,
} from './probes';
export { verificationAlarms, verificationAlarmWindow, type VerificationAlarmInput } from './verification';
export {
  bucketReplicationAlarms,
  DEFAULT_REPLICA_CHECK_INTERVAL_MINUTES,
  missingReplicasAlarm,
  type BucketReplicationAlarmInput,
  type MissingReplicasAlarmInput,
} from './buckets';
export { bucketAlarms, databaseAlarms } from './store';
export { alarmTransitions, breaches, evaluateAlarm, type AlarmRule, type AlarmState } from './evaluate';
