import type { AlarmPlan } from '../../src/plan/types';
import type { ObjectiveAlarmProps } from '../alarm';

/** A planned alarm as construct props: everything but where it notifies (`topics`) and `tags`. */
export type AlarmFromPlan = Omit<ObjectiveAlarmProps, 'topics' | 'tags'> & {
  /** Stable id within the store (construct ids derive from it), e.g. `replica-lag`. */
  readonly id: string;
};

/** The plan's alarm as `ObjectiveAlarm` props, as planned (the plan's `unit` is for readers only). */
export function alarmFromPlan(alarm: AlarmPlan): AlarmFromPlan {
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
    comparisonOperator: alarm.comparisonOperator,
    periodSeconds: alarm.periodSeconds,
    evaluationPeriods: alarm.evaluationPeriods,
    datapointsToAlarm: alarm.datapointsToAlarm,
    treatMissingData: alarm.treatMissingData,
  };
}
