import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { ObjectiveAlarm } from './alarm';
import { stackNames } from '../src/aws/names';

/** One store's section of the dashboard. */
export interface DashboardStore {
  /** Stable store id (section heading). */
  readonly storeId: string;
  /** Markdown lines describing the objectives (e.g. `| region | RPO 5m | RTO 1h |`); shown beside the figures. */
  readonly objectives: string[];
  /** Alarms guarding the store's objectives: each becomes a graph of its metric with the threshold drawn in. */
  readonly alarms: ObjectiveAlarm[];
}

export interface RecoveryDashboardProps {
  /** Region the dashboard lives in (graphs may show metrics of any region). */
  readonly region: string;
  /** Dashboard name; further dashboards (when the 500-widget limit is reached) get `-2`, `-3`, ... */
  readonly dashboardName: string;
  /** Sections, one per store, in the order to show them. */
  readonly stores: DashboardStore[];
  /** Time range shown when the dashboard opens (ISO 8601 duration relative to now). @default '-P7D' */
  readonly start?: string;
}

/** CloudWatch limits: widgets per dashboard body and grid width. */
export const MAX_WIDGETS_PER_DASHBOARD = 500;
const GRID_WIDTH = 24;
const TEXT_WIDTH = 6;
const GRAPH_WIDTH = 6;
const ROW_HEIGHT = 6;
const DASHBOARD_NAME = /^[A-Za-z0-9_-]{1,255}$/;

interface Widget {
  type: 'text' | 'metric';
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

/**
 * One dashboard section per store: its objectives beside a graph of every figure that proves them (replica lag,
 * restorable lag, backup age, replication latency, measured restore time and data lag), each with the alarm
 * threshold drawn as a line, so an on-call engineer sees at a glance which objective holds.
 */
export class RecoveryDashboard extends Construct {
  /** The dashboards (more than one only past CloudWatch's 500-widget limit). */
  public readonly dashboards: CloudwatchDashboard[] = [];

  constructor(scope: Construct, id: string, props: RecoveryDashboardProps) {
    super(scope, id);
    if (!DASHBOARD_NAME.test(props.dashboardName) || props.dashboardName.length > 250) {
      throw new Error(
        `RecoveryDashboard ${this.node.path}:\n  dashboardName: must be 1-250 letters, digits, '-' or '_', got '${props.dashboardName}'`,
      );
    }
    const pages: Widget[][] = [];
    let page: Widget[] = [];
    let y = 0;
    for (const store of props.stores) {
      const widgetCount = 1 + store.alarms.length;
      if (page.length + widgetCount > MAX_WIDGETS_PER_DASHBOARD && page.length > 0) {
        pages.push(page);
        page = [];
        y = 0;
      }
      const section = storeSection(store, y);
      page.push(...section.widgets);
      y += section.height;
    }
    if (page.length > 0 || pages.length === 0) pages.push(page);

    pages.forEach((widgets, index) => {
      const name = stackNames.dashboardPage(props.dashboardName, index);
      this.dashboards.push(
        new CloudwatchDashboard(this, index === 0 ? 'dashboard' : `dashboard-${index + 1}`, {
          region: props.region,
          dashboardName: name,
          dashboardBody: JSON.stringify({ start: props.start ?? '-P7D', periodOverride: 'inherit', widgets }),
        }),
      );
    });
  }
}

function storeSection(store: DashboardStore, top: number): { widgets: Widget[]; height: number } {
  const graphsPerRow = (GRID_WIDTH - TEXT_WIDTH) / GRAPH_WIDTH;
  const rows = Math.max(1, Math.ceil(store.alarms.length / graphsPerRow));
  const widgets: Widget[] = [
    {
      type: 'text',
      x: 0,
      y: top,
      width: TEXT_WIDTH,
      height: rows * ROW_HEIGHT,
      properties: { markdown: [`### ${store.storeId}`, '', ...store.objectives].join('\n') },
    },
  ];
  store.alarms.forEach((alarm, index) => {
    const spec = alarm.spec;
    const dimensions = Object.entries(spec.dimensions).sort(([a], [b]) => a.localeCompare(b)).flat();
    widgets.push({
      type: 'metric',
      x: TEXT_WIDTH + (index % graphsPerRow) * GRAPH_WIDTH,
      y: top + Math.floor(index / graphsPerRow) * ROW_HEIGHT,
      width: GRAPH_WIDTH,
      height: ROW_HEIGHT,
      properties: {
        title: `${spec.metricName} (${spec.region})`,
        view: 'timeSeries',
        region: spec.region,
        stat: spec.statistic ?? 'Maximum',
        period: spec.periodSeconds ?? 60,
        metrics: [[spec.namespace, spec.metricName, ...dimensions]],
        // A threshold known only at apply time (e.g. 20% of an adopted database's storage) has no number to draw.
        ...(Token.isUnresolved(spec.threshold)
          ? {}
          : { annotations: { horizontal: [{ label: `alarm: ${spec.alarmName}`, value: spec.threshold }] } }),
        yAxis: { left: { min: 0 } },
      },
    });
  });
  return { widgets, height: rows * ROW_HEIGHT };
}
