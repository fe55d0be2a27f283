import { formatSecondsOrZero } from '../../spec/duration';
import { alarmName } from './names';
import type { AlarmPlan } from './types';

/** An alarm's fields before naming: the name derives from the store's prefix and the id. */
export type AlarmFields = Omit<AlarmPlan, 'alarmName' | 'thresholdOfAllocatedStorage'> & {
  thresholdOfAllocatedStorage?: number | null;
};

/** One alarm of the store whose alarm names start with `prefix` (`alarmNamePrefix`). */
export function defineAlarm(prefix: string, f: AlarmFields): AlarmPlan {
  // Built field by field (not spread) so every alarm shares one object shape: the planner makes thousands.
  return {
    id: f.id,
    alarmName: alarmName(prefix, f.id),
    region: f.region,
    namespace: f.namespace,
    metricName: f.metricName,
    dimensions: f.dimensions,
    statistic: f.statistic,
    threshold: f.threshold,
    thresholdOfAllocatedStorage: f.thresholdOfAllocatedStorage ?? null,
    unit: f.unit,
    comparisonOperator: f.comparisonOperator,
    periodSeconds: f.periodSeconds,
    evaluationPeriods: f.evaluationPeriods,
    datapointsToAlarm: f.datapointsToAlarm,
    treatMissingData: f.treatMissingData,
    description: f.description,
  };
}

/** `5m`, `1h`, `0s`: durations in descriptions read like the spec (odd values, refused elsewhere, as `<n>s`). */
export const human = (seconds: number): string => (Number.isSafeInteger(seconds) && seconds >= 0 ? formatSecondsOrZero(seconds) : `${seconds}s`);
