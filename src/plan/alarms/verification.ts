/**
 * Alarms on the verification restore's metrics (`Lifeboat` namespace, dimension StoreId), in the verification
 * region: stale (no success within twice the schedule; missing data is breaching because silence means the
 * pipeline is broken), failed, measured restore time above the RTO, measured data lag above its bound.
 * `VerificationRestore` renders them.
 */
import { defineAlarm, human } from './define';
import type { AlarmPlan } from './types';

const DAY = 86_400;

/**
 * Period and evaluation periods for a schedule interval: periods of the interval (whole minutes, at most a day,
 * the longest period CloudWatch evaluates usefully for daily metrics), enough of them to cover twice the interval.
 */
export function verificationAlarmWindow(intervalSeconds: number): { periodSeconds: number; staleEvaluationPeriods: number } {
  const period = Math.min(DAY, Math.ceil(intervalSeconds / 60) * 60);
  return { periodSeconds: period, staleEvaluationPeriods: Math.ceil((2 * intervalSeconds) / period) };
}

/** What one store's verification alarms depend on. */
export interface VerificationAlarmInput {
  /** Alarm name prefix of the store (`alarmNamePrefix`). */
  readonly prefix: string;
  /** Store id (the StoreId dimension). */
  readonly storeId: string;
  /** Verification region. */
  readonly region: string;
  /** Longest gap between two scheduled runs, seconds. */
  readonly intervalSeconds: number;
  /** Alarm when the measured restore time exceeds this RTO; `scope` (e.g. `region`) names it in the description. @default no alarm */
  readonly restoreTime?: { readonly rtoSeconds: number; readonly scope?: string } | null;
  /** Alarm when the measured data lag exceeds this bound; `what` names the column measured. @default no alarm */
  readonly dataLag?: { readonly maxLagSeconds: number; readonly what: string } | null;
  /** CloudWatch namespace the verification function publishes in. @default 'Lifeboat' */
  readonly namespace?: string;
}

export function verificationAlarms(input: VerificationAlarmInput): AlarmPlan[] {
  const { periodSeconds, staleEvaluationPeriods } = verificationAlarmWindow(input.intervalSeconds);
  // Spread last in each literal below: a spread that leads an object literal followed by more properties is slow
  // to build in V8 (Node 20), tens of microseconds per object, and the planner builds thousands.
  const base = { region: input.region, namespace: input.namespace ?? 'Lifeboat', dimensions: { StoreId: input.storeId }, periodSeconds } as const;
  const alarms: AlarmPlan[] = [
    defineAlarm(input.prefix, {
      id: 'verification-stale',
      metricName: 'VerificationSucceeded',
      statistic: 'Sum',
      threshold: 1,
      unit: 'Count',
      comparisonOperator: 'LessThanThreshold',
      evaluationPeriods: staleEvaluationPeriods,
      datapointsToAlarm: staleEvaluationPeriods,
      treatMissingData: 'breaching',
      description: `No successful verification restore within twice the schedule (${human(2 * input.intervalSeconds)}); missing data is breaching because silence means the pipeline is broken`,
      ...base,
    }),
    defineAlarm(input.prefix, {
      id: 'verification-failed',
      metricName: 'VerificationSucceeded',
      statistic: 'Minimum',
      threshold: 1,
      unit: 'Count',
      comparisonOperator: 'LessThanThreshold',
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: 'notBreaching',
      description: 'A verification restore failed (restore, connection or data checks); staleness is watched by the verification-stale alarm',
      ...base,
    }),
  ];
  if (input.restoreTime) {
    alarms.push(
      defineAlarm(input.prefix, {
        id: 'restore-time',
        metricName: 'RestoreSeconds',
        statistic: 'Maximum',
        threshold: input.restoreTime.rtoSeconds,
        unit: 'Seconds',
        comparisonOperator: 'GreaterThanThreshold',
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData: 'notBreaching',
        description: `Measured restore time exceeded the ${input.restoreTime.scope ? `${input.restoreTime.scope} ` : ''}RTO (${human(input.restoreTime.rtoSeconds)})`,
        ...base,
      }),
    );
  }
  if (input.dataLag) {
    alarms.push(
      defineAlarm(input.prefix, {
        id: 'data-lag',
        metricName: 'DataLagSeconds',
        statistic: 'Maximum',
        threshold: input.dataLag.maxLagSeconds,
        unit: 'Seconds',
        comparisonOperator: 'GreaterThanThreshold',
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData: 'notBreaching',
        description: `Newest restored row in ${input.dataLag.what} is more than ${human(input.dataLag.maxLagSeconds)} older than the restore target time (measured RPO)`,
        ...base,
      }),
    );
  }
  return alarms;
}
