import 'cdktf/lib/testing/adapters/jest';
import { ObjectiveAlarm } from '../../constructs/alarm';
import { cleanupTestApps, onlyResource, synthStack } from '../support/synth';

afterAll(cleanupTestApps);

const topics = { 'eu-west-1': 'arn:aws:sns:eu-west-1:111122223333:alerts' };

describe('ObjectiveAlarm', () => {
  it('notifies the topic of its own region on ALARM and OK, in that region', () => {
    const out = synthStack((stack) => {
      new ObjectiveAlarm(stack, 'lag', {
        region: 'eu-west-1',
        alarmName: 'shop-orders-replica-lag',
        description: 'region RPO 5m',
        namespace: 'AWS/RDS',
        metricName: 'ReplicaLag',
        dimensions: { DBInstanceIdentifier: 'shop-orders-dr' },
        threshold: 150,
        treatMissingData: 'breaching',
        topics,
      });
    });
    expect(onlyResource(out, 'aws_cloudwatch_metric_alarm')).toMatchObject({
      region: 'eu-west-1',
      alarm_actions: [topics['eu-west-1']],
      ok_actions: [topics['eu-west-1']],
      dimensions: { DBInstanceIdentifier: 'shop-orders-dr' },
      statistic: 'Maximum',
      comparison_operator: 'GreaterThanThreshold',
      treat_missing_data: 'breaching',
      period: 60,
      evaluation_periods: 3,
    });
  });

  it('refuses an alarm without a topic in its region and periods beyond CloudWatch limits', () => {
    expect(() =>
      synthStack((stack) => {
        new ObjectiveAlarm(stack, 'bad', {
          region: 'eu-central-1',
          alarmName: 'x',
          description: 'x',
          namespace: 'Lifeboat',
          metricName: 'X',
          dimensions: {},
          threshold: 1,
          periodSeconds: 300,
          evaluationPeriods: 300,
          topics,
        });
      }),
    ).toThrow(/topics: no SNS topic for region eu-central-1[\s\S]*at most 86400 s \(CloudWatch limit\)/);
  });
});
