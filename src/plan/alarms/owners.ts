/**
 * Which construct renders an alarm, by the metric it watches. A store's plan lists all its alarms; each construct
 * takes the ones it owns, so every alarm is rendered exactly once.
 */
import type { AlarmPlan } from './types';

export type AlarmOwner = 'database' | 'backup-vault' | 'backup-age-probe' | 'verification-restore' | 'replicated-bucket' | 'replication-check';

const LIFEBOAT_METRICS: Readonly<Record<string, AlarmOwner>> = {
  RestorableLagSeconds: 'backup-age-probe',
  BackupAgeSeconds: 'backup-age-probe',
  VerificationSucceeded: 'verification-restore',
  RestoreSeconds: 'verification-restore',
  DataLagSeconds: 'verification-restore',
  ChecksFailed: 'verification-restore',
  MissingReplicas: 'replication-check',
};

const AWS_NAMESPACES: Readonly<Record<string, AlarmOwner>> = {
  'AWS/RDS': 'database',
  'AWS/Backup': 'backup-vault',
  'AWS/S3': 'replicated-bucket',
};

/** The construct that renders this alarm, or null for a metric no Lifeboat construct publishes or watches. */
export function alarmOwner(alarm: Pick<AlarmPlan, 'namespace' | 'metricName'>): AlarmOwner | null {
  if (alarm.namespace === 'Lifeboat') return LIFEBOAT_METRICS[alarm.metricName] ?? null;
  return AWS_NAMESPACES[alarm.namespace] ?? null;
}

/** The alarms among `alarms` that `owner` renders, in order. */
export function alarmsOwnedBy<T extends Pick<AlarmPlan, 'namespace' | 'metricName'>>(owner: AlarmOwner, alarms: readonly T[]): T[] {
  return alarms.filter((alarm) => alarmOwner(alarm) === owner);
}
