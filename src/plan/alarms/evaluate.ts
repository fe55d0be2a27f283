/**
 * A model of how CloudWatch evaluates a metric alarm (CloudWatch User Guide, "Evaluating an alarm" and
 * "Configuring how CloudWatch alarms treat missing data"), to test alarm definitions against datapoint series:
 * at the end of each period CloudWatch looks at the last `evaluationPeriods` periods, counts those breaching (a
 * missing datapoint counts as breaching or not per `treatMissingData`), and is in ALARM when at least
 * `datapointsToAlarm` breach. `ignore` keeps the current state when the window holds no datapoint; `missing` goes to
 * INSUFFICIENT_DATA then. (CloudWatch may look further back for `ignore`/`missing`; the model does not.)
 */
import type { AlarmPlan, ComparisonOperator } from './types';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** The fields of an alarm that decide its state. */
export type AlarmRule = Pick<AlarmPlan, 'threshold' | 'comparisonOperator' | 'evaluationPeriods' | 'datapointsToAlarm' | 'treatMissingData'>;

export function breaches(value: number, operator: ComparisonOperator, threshold: number): boolean {
  switch (operator) {
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
  }
}

/**
 * The alarm's state after each period, given one value per period (the period's statistic; null when the metric
 * had no datapoint in that period). The series starts when the alarm does: no period before it is counted.
 */
export function evaluateAlarm(alarm: AlarmRule, datapoints: readonly (number | null)[], initial: AlarmState = 'INSUFFICIENT_DATA'): AlarmState[] {
  const states: AlarmState[] = [];
  let state = initial;
  for (let end = 0; end < datapoints.length; end++) {
    let breaching = 0;
    let present = 0;
    for (let i = Math.max(0, end - alarm.evaluationPeriods + 1); i <= end; i++) {
      const value = datapoints[i];
      if (value === null) {
        if (alarm.treatMissingData === 'breaching') breaching += 1;
      } else {
        present += 1;
        if (breaches(value, alarm.comparisonOperator, alarm.threshold)) breaching += 1;
      }
    }
    if (breaching >= alarm.datapointsToAlarm) state = 'ALARM';
    else if (present === 0 && alarm.treatMissingData === 'missing') state = 'INSUFFICIENT_DATA';
    // With `ignore`, a window without datapoints keeps the current state.
    else if (present > 0 || alarm.treatMissingData !== 'ignore') state = 'OK';
    states.push(state);
  }
  return states;
}

/** How many times the alarm goes from another state into ALARM over the series (each is a notification). */
export function alarmTransitions(states: readonly AlarmState[], initial: AlarmState = 'INSUFFICIENT_DATA'): number {
  let previous = initial;
  let count = 0;
  for (const state of states) {
    if (state === 'ALARM' && previous !== 'ALARM') count += 1;
    previous = state;
  }
  return count;
}
