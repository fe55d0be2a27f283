import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { Op, Token } from 'cdktf';
import { Construct } from 'constructs';

/** SNS topic ARN per region. CloudWatch can only notify a topic in the alarm's own region. */
export type AlarmTopics = Readonly<Record<string, string>>;

export type ComparisonOperator =
  | 'GreaterThanThreshold'
  | 'GreaterThanOrEqualToThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold';

/** What CloudWatch does when datapoints are missing. `breaching` where silence means a broken pipeline. */
export type TreatMissingData = 'breaching' | 'notBreaching' | 'ignore' | 'missing';

export interface ObjectiveAlarmProps {
  /** Region the alarm (and its metric) lives in. */
  readonly region: string;
  /** Alarm name, unique per account and region. */
  readonly alarmName: string;
  /** Why the alarm exists and which objective it guards; shown in notifications. */
  readonly description: string;
  /** CloudWatch namespace, e.g. `AWS/RDS` or `Lifeboat`. */
  readonly namespace: string;
  /** Metric name, e.g. `ReplicaLag`. */
  readonly metricName: string;
  /** Metric dimensions exactly as the service publishes them. */
  readonly dimensions: Record<string, string>;
  /** Statistic. @default 'Maximum' */
  readonly statistic?: 'Maximum' | 'Minimum' | 'Average' | 'Sum' | 'SampleCount';
  /** Threshold in the metric's unit. */
  readonly threshold: number;
  /** Comparison. @default 'GreaterThanThreshold' */
  readonly comparisonOperator?: ComparisonOperator;
  /** Period in seconds (10, 30 or a multiple of 60). @default 60 */
  readonly periodSeconds?: number;
  /** Consecutive periods evaluated. @default 3 */
  readonly evaluationPeriods?: number;
  /** Periods that must breach among the evaluated ones. @default evaluationPeriods */
  readonly datapointsToAlarm?: number;
  /** Missing-data treatment. @default 'missing' */
  readonly treatMissingData?: TreatMissingData;
  /** SNS topic per region; the alarm notifies the topic of its own region on ALARM and OK. */
  readonly topics: AlarmTopics;
  /** Tags. @default none */
  readonly tags?: Record<string, string>;
}

/**
 * CloudWatch's ceiling on period x evaluation periods (PutMetricAlarm): 7 days, but only 1 day for periods under an
 * hour. Staleness alarms of daily verifications need the longer window (no success within 2 days).
 */
const MAX_EVALUATION_SECONDS = 604_800;
const MAX_EVALUATION_SECONDS_SHORT_PERIOD = 86_400;
const LONG_PERIOD_SECONDS = 3_600;

/**
 * A CloudWatch metric alarm guarding an objective, notifying the SNS topic of its own region. Every alarm Lifeboat
 * creates goes through here, so each one has actions and respects CloudWatch's limits.
 */
export class ObjectiveAlarm extends Construct {
  /** Every ObjectiveAlarm below a construct, in construct-tree order. */
  public static findAll(scope: Construct): ObjectiveAlarm[] {
    return scope.node.findAll().filter((child): child is ObjectiveAlarm => child instanceof ObjectiveAlarm);
  }

  /** The alarm resource. */
  public readonly alarm: CloudwatchMetricAlarm;
  /** What the alarm watches, for dashboards and reports built from the construct tree. */
  public readonly spec: Readonly<ObjectiveAlarmProps>;

  constructor(scope: Construct, id: string, props: ObjectiveAlarmProps) {
    super(scope, id);
    this.spec = props;
    const period = props.periodSeconds ?? 60;
    const evaluationPeriods = props.evaluationPeriods ?? 3;
    const datapointsToAlarm = props.datapointsToAlarm ?? evaluationPeriods;
    const topic = props.topics[props.region];
    const problems: string[] = [];
    if (!topic) {
      problems.push(`topics: no SNS topic for region ${props.region}; CloudWatch alarms can only notify a topic in their own region`);
    }
    if (!(period === 10 || period === 30 || (period >= 60 && period % 60 === 0))) {
      problems.push(`periodSeconds: must be 10, 30 or a multiple of 60, got ${period}`);
    }
    const maxEvaluation = period >= LONG_PERIOD_SECONDS ? MAX_EVALUATION_SECONDS : MAX_EVALUATION_SECONDS_SHORT_PERIOD;
    if (!Number.isInteger(evaluationPeriods) || evaluationPeriods < 1 || period * evaluationPeriods > maxEvaluation) {
      problems.push(
        `evaluationPeriods: periodSeconds x evaluationPeriods must be at most ${maxEvaluation} s (CloudWatch limit), got ${period} x ${evaluationPeriods}`,
      );
    }
    if (!Number.isInteger(datapointsToAlarm) || datapointsToAlarm < 1 || datapointsToAlarm > evaluationPeriods) {
      problems.push(`datapointsToAlarm: must be between 1 and evaluationPeriods (${evaluationPeriods}), got ${datapointsToAlarm}`);
    }
    if (!Number.isFinite(props.threshold)) {
      problems.push(`threshold: must be a finite number, got ${props.threshold}`);
    }
    if (problems.length > 0) {
      throw new Error(`ObjectiveAlarm ${props.alarmName}:\n  ${problems.join('\n  ')}`);
    }
    this.alarm = new CloudwatchMetricAlarm(this, 'alarm', {
      region: props.region,
      alarmName: props.alarmName,
      alarmDescription: props.description,
      namespace: props.namespace,
      metricName: props.metricName,
      dimensions: props.dimensions,
      statistic: props.statistic ?? 'Maximum',
      threshold: props.threshold,
      comparisonOperator: props.comparisonOperator ?? 'GreaterThanThreshold',
      period,
      evaluationPeriods,
      datapointsToAlarm,
      treatMissingData: props.treatMissingData ?? 'missing',
      alarmActions: [topic],
      okActions: [topic],
      tags: props.tags,
    });
  }
}

/**
 * An alarm of a store to render: `ObjectiveAlarm` props without where it notifies, plus the stable id its construct
 * is named after. The alarms of the plan, and those the constructs plan for themselves (src/plan/alarms), fit as
 * they are.
 */
export interface StoreAlarm extends Omit<ObjectiveAlarmProps, 'topics' | 'tags'> {
  /** Stable id within the store, e.g. `replica-lag`; the construct id derives from it. */
  readonly id: string;
  /**
   * The threshold is this fraction of the database's allocated storage in bytes, known only at apply time (an
   * adopted database); `threshold` is ignored then. @default null (use `threshold`)
   */
  readonly thresholdOfAllocatedStorage?: number | null;
}

/** Where rendered alarms notify, their tags, and what apply-time thresholds refer to. */
export interface RenderAlarmOptions {
  /** SNS topic per region. */
  readonly topics: AlarmTopics;
  /** Tags. @default none */
  readonly tags?: Record<string, string>;
  /** Allocated storage of the database in GiB (a Terraform reference for an adopted database). @default none */
  readonly allocatedStorageGb?: number;
}

const BYTES_PER_GIB = 1024 ** 3;

/**
 * Renders alarms exactly as given, each as `alarm-<id>` under `scope`: no default is derived and no threshold
 * decided here (the plan, or the construct's own planning in src/plan/alarms, did that).
 */
export function renderAlarms(scope: Construct, alarms: readonly StoreAlarm[], options: RenderAlarmOptions): Record<string, ObjectiveAlarm> {
  const rendered: Record<string, ObjectiveAlarm> = {};
  for (const { id, thresholdOfAllocatedStorage, ...alarm } of alarms) {
    let threshold = alarm.threshold;
    if (thresholdOfAllocatedStorage !== undefined && thresholdOfAllocatedStorage !== null) {
      if (options.allocatedStorageGb === undefined) {
        throw new Error(`ObjectiveAlarm ${alarm.alarmName}:\n  thresholdOfAllocatedStorage: only the alarms of a database construct can refer to its allocated storage`);
      }
      threshold = Token.isUnresolved(options.allocatedStorageGb)
        ? Token.asNumber(Op.mul(options.allocatedStorageGb, BYTES_PER_GIB * thresholdOfAllocatedStorage))
        : Math.round(options.allocatedStorageGb * BYTES_PER_GIB * thresholdOfAllocatedStorage);
    }
    rendered[id] = new ObjectiveAlarm(scope, `alarm-${id}`, { ...alarm, threshold, topics: options.topics, tags: options.tags });
  }
  return rendered;
}

/**
 * Renders the alarms of one store of a multi-store construct (probes, verification restores) under
 * `alarms/<storeId>/`, keyed `<storeId>/<alarm id>`: per-store scopes, so no store id and alarm id can combine into
 * another store's construct id.
 */
export function renderStoreAlarms(
  scope: Construct,
  storeId: string,
  alarms: readonly StoreAlarm[],
  options: RenderAlarmOptions,
): Record<string, ObjectiveAlarm> {
  const container = (scope.node.tryFindChild('alarms') as Construct | undefined) ?? new Construct(scope, 'alarms');
  const rendered = renderAlarms(new Construct(container, storeId), alarms, options);
  return Object.fromEntries(Object.entries(rendered).map(([id, alarm]) => [`${storeId}/${id}`, alarm]));
}
