/**
 * The shape of one alarm, as the plan records it and every construct renders it. cdktf-free: the planner, the
 * runbooks and the CLI read it as data; constructs pass it to `ObjectiveAlarm` unchanged.
 */

export type ComparisonOperator =
  | 'GreaterThanThreshold'
  | 'GreaterThanOrEqualToThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold';
export type TreatMissingData = 'breaching' | 'notBreaching' | 'ignore' | 'missing';
export type AlarmStatistic = 'Maximum' | 'Minimum' | 'Average' | 'Sum' | 'SampleCount';

/**
 * An alarm the plan asks for. Field names match `ObjectiveAlarmProps` (constructs/alarm.ts) so a construct can
 * pass them through and add `topics`.
 */
export interface AlarmPlan {
  /** Stable id within the store (construct ids derive from it), e.g. `replica-lag`. */
  id: string;
  /** `<name>-<store id>-<id>` (alarmName in src/plan/alarms/names.ts). */
  alarmName: string;
  /** Region the alarm and its metric live in. */
  region: string;
  namespace: string;
  metricName: string;
  /** Dimensions exactly as the metric is published. */
  dimensions: Record<string, string>;
  statistic: AlarmStatistic;
  /** Threshold in the metric's unit; 0 when `thresholdOfAllocatedStorage` says it is known only at apply time. */
  threshold: number;
  /**
   * Set when the threshold is this fraction of the database's allocated storage (bytes) and the plan does not know
   * the size (an adopted database): the renderer multiplies the looked-up `allocated_storage`. Else null.
   */
  thresholdOfAllocatedStorage: number | null;
  /** Unit of the threshold, for readers (CloudWatch compares in the metric's unit). */
  unit: 'Seconds' | 'Milliseconds' | 'Count' | 'Bytes';
  comparisonOperator: ComparisonOperator;
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  treatMissingData: TreatMissingData;
  /** Why the alarm exists and which objective it guards; becomes the alarm description. */
  description: string;
}
