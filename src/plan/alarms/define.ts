import { formatSecondsOrZero } from '../../spec/duration';
import { alarmName } from './names';
import type { AlarmPlan } from './types';

/** An alarm's fields before naming: the name derives from the store's prefix and the id. */
export type AlarmFields = Omit<AlarmPlan, 'alarmName' | 'thresholdOfAllocatedStorage'> & {
  thresholdOfAllocatedStorage?: number | null;
};

/** One alarm of the store whose alarm names start with `prefix` (`alarmNamePrefix`). */
export function defineAlarm(prefix: string, f: AlarmFields): AlarmPlan {
  // Built field by field (not spread) so every alarm shares one object shape: the planner makes thousands. Fields
  // in the order backup_plan.json lists them (serialize.ts), which writes objects already in that order uncopied.
  return {
    id: f.id,
    alarmName: alarmName(prefix, f.id),
    comparisonOperator: f.comparisonOperator,
    datapointsToAlarm: f.datapointsToAlarm,
    description: f.description,
    dimensions: f.dimensions,
    evaluationPeriods: f.evaluationPeriods,
    metricName: f.metricName,
    namespace: f.namespace,
    periodSeconds: f.periodSeconds,
    region: f.region,
    statistic: f.statistic,
    threshold: f.threshold,
    thresholdOfAllocatedStorage: f.thresholdOfAllocatedStorage ?? null,
    treatMissingData: f.treatMissingData,
    unit: f.unit,
  };
}

/** What an alarm on a failure count needs to say; the rest is the same for every such alarm. */
export type FailureCountFields = Pick<AlarmFields, 'id' | 'region' | 'namespace' | 'metricName' | 'dimensions' | 'description'>;

/**
 * An alarm on any failure counted in a 5-minute period (AWS/Backup failed jobs, AWS/S3 failed replications). The
 * services publish these counts only when something happens, so no data means no failure.
 */
export function failureCountAlarm(prefix: string, f: FailureCountFields): AlarmPlan {
  return defineAlarm(prefix, {
    id: f.id,
    region: f.region,
    namespace: f.namespace,
    metricName: f.metricName,
    dimensions: f.dimensions,
    statistic: 'Sum',
    threshold: 0,
    unit: 'Count',
    comparisonOperator: 'GreaterThanThreshold',
    periodSeconds: 300,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: 'notBreaching',
    description: f.description,
  });
}

/** `5m`, `1h`, `0s`: durations in descriptions read like the spec (odd values, refused elsewhere, as `<n>s`). */
export const human = (seconds: number): string => (Number.isSafeInteger(seconds) && seconds >= 0 ? formatSecondsOrZero(seconds) : `${seconds}s`);
