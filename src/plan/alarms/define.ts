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

/** `5m`, `1h`, `0s`: durations in descriptions read like the spec (odd values, refused elsewhere, as `<n>s`). */
export const human = (seconds: number): string => (Number.isSafeInteger(seconds) && seconds >= 0 ? formatSecondsOrZero(seconds) : `${seconds}s`);
