import type { AlarmPlan } from '../../src/plan/alarms';
import type { StoreAlarm } from '../alarm';

/** A planned alarm as construct props: everything but where it notifies (`topics`) and `tags`. */
export type AlarmFromPlan = StoreAlarm;

/** The plan's alarm as `StoreAlarm` props, as planned (the plan's `unit` is for readers only). */
export function alarmFromPlan(alarm: Omit<AlarmPlan, 'thresholdOfAllocatedStorage'> & { thresholdOfAllocatedStorage?: number | null }): AlarmFromPlan {
  return {
    id: alarm.id,
    region: alarm.region,
    alarmName: alarm.alarmName,
    description: alarm.description,
    namespace: alarm.namespace,
    metricName: alarm.metricName,
    dimensions: { ...alarm.dimensions },
    statistic: alarm.statistic,
    threshold: alarm.threshold,
    thresholdOfAllocatedStorage: alarm.thresholdOfAllocatedStorage ?? null,
    comparisonOperator: alarm.comparisonOperator,
    periodSeconds: alarm.periodSeconds,
    evaluationPeriods: alarm.evaluationPeriods,
    datapointsToAlarm: alarm.datapointsToAlarm,
    treatMissingData: alarm.treatMissingData,
  };
}
