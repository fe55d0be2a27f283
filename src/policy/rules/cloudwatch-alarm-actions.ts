import { finding, isFalse, stringList } from '../document';
import type { PolicyRule } from '../types';

export const cloudwatchAlarmActions: PolicyRule = {
  id: 'cloudwatch-alarm-actions',
  pack: 'data-protection',
  severity: 'error',
  description: 'Every aws_cloudwatch_metric_alarm and aws_cloudwatch_composite_alarm notifies someone: alarm_actions is non-empty and actions are enabled.',
  fix: 'Set alarm_actions to an SNS topic ARN (and ok_actions to hear about recovery); do not set actions_enabled = false.',
  check(index) {
    return ['aws_cloudwatch_metric_alarm', 'aws_cloudwatch_composite_alarm']
      .flatMap((type) => index.resources(type))
      .flatMap((alarm) => {
        if (stringList(alarm.body.alarm_actions).length === 0) {
          return [finding(cloudwatchAlarmActions, alarm, 'Alarm has no alarm_actions: it changes state and nobody is told.')];
        }
        if (isFalse(alarm.body.actions_enabled)) {
          return [finding(cloudwatchAlarmActions, alarm, 'actions_enabled = false: the alarm actions never run.')];
        }
        return [];
      });
  },
};
