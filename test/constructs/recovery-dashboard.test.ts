import 'cdktf/lib/testing/adapters/jest';
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { ObjectiveAlarm } from '../../constructs/alarm';
import { MAX_WIDGETS_PER_DASHBOARD, RecoveryDashboard } from '../../constructs/recovery-dashboard';
import { cleanupTestApps, resourcesOfType, synthStack } from '../support/synth';

afterAll(cleanupTestApps);

const topics = { 'eu-west-1': 'arn:aws:sns:eu-west-1:111122223333:a', 'eu-central-1': 'arn:aws:sns:eu-central-1:111122223333:a' };

function lagAlarm(scope: Construct, id: string, region: string, threshold: number): ObjectiveAlarm {
  return new ObjectiveAlarm(scope, id, {
    region,
    alarmName: `shop-${id}`,
    description: 'lag',
    namespace: 'AWS/RDS',
    metricName: 'ReplicaLag',
    dimensions: { DBInstanceIdentifier: `shop-${id}` },
    threshold,
    topics,
  });
}

describe('RecoveryDashboard', () => {
  it('puts each store objectives beside graphs of its figures with the alarm threshold drawn in', () => {
    const out = synthStack((stack) => {
      const alarms = [lagAlarm(stack, 'orders-dr-lag', 'eu-central-1', 150)];
      new RecoveryDashboard(stack, 'dash', {
        region: 'eu-west-1',
        dashboardName: 'shop-recovery',
        stores: [{ storeId: 'orders', objectives: ['| scope | RPO | RTO |', '| region | 5m | 1h |'], alarms }],
      });
    });
    const [dashboard] = Object.values(resourcesOfType(out, 'aws_cloudwatch_dashboard'));
    expect(dashboard.region).toBe('eu-west-1');
    const body = JSON.parse(dashboard.dashboard_body);
    expect(body.widgets[0].properties.markdown).toBe('### orders\n\n| scope | RPO | RTO |\n| region | 5m | 1h |');
    expect(body.widgets[1].properties).toMatchObject({
      region: 'eu-central-1',
      metrics: [['AWS/RDS', 'ReplicaLag', 'DBInstanceIdentifier', 'shop-orders-dr-lag']],
      annotations: { horizontal: [{ value: 150 }] },
    });
    for (const widget of body.widgets) expect(widget.x + widget.width).toBeLessThanOrEqual(24);
  });

  it('draws no threshold line where the threshold is only known at apply time', () => {
    const out = synthStack((stack) => {
      const alarm = lagAlarm(stack, 'billing-storage', 'eu-west-1', Token.asNumber(Fn.max([20, 40])));
      new RecoveryDashboard(stack, 'dash', {
        region: 'eu-west-1',
        dashboardName: 'shop-recovery',
        stores: [{ storeId: 'billing', objectives: [], alarms: [alarm] }],
      });
    });
    const [dashboard] = Object.values(resourcesOfType(out, 'aws_cloudwatch_dashboard'));
    const graph = JSON.parse(dashboard.dashboard_body).widgets[1];
    expect(graph.properties.metrics).toEqual([['AWS/RDS', 'ReplicaLag', 'DBInstanceIdentifier', 'shop-billing-storage']]);
    expect(graph.properties.annotations).toBeUndefined();
  });

  it('splits into further dashboards instead of exceeding the 500-widget limit', () => {
    const out = synthStack((stack) => {
      const stores = Array.from({ length: 130 }, (_, i) => ({
        storeId: `db${i}`,
        objectives: [],
        alarms: [0, 1, 2].map((n) => lagAlarm(stack, `db${i}-${n}`, 'eu-west-1', 60)),
      }));
      new RecoveryDashboard(stack, 'dash', { region: 'eu-west-1', dashboardName: 'shop-recovery', stores });
    });
    const dashboards = Object.values(resourcesOfType(out, 'aws_cloudwatch_dashboard'));
    expect(dashboards.map((d) => d.dashboard_name).sort()).toEqual(['shop-recovery', 'shop-recovery-2']);
    const counts = dashboards.map((d) => JSON.parse(d.dashboard_body).widgets.length);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(130 * 4);
    for (const count of counts) expect(count).toBeLessThanOrEqual(MAX_WIDGETS_PER_DASHBOARD);
  });
});
