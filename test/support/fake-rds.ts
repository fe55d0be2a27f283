/**
 * A small stateful fake of RDS and CloudWatch behind aws-sdk-client-mock, for the verification-restore handler.
 *
 * - Resources (DB instances, DB clusters) carry tags and statuses that advance with a fake clock: every transition
 *   has a due time, and is applied (with an RDS event stamped at that due time) on the next call after it is due.
 * - Every command and its input is recorded, together with the tags the target carried at call time, so tests can
 *   assert that nothing untagged (and never a source) was modified or deleted.
 * - Fault injection: `inject(command, fault)` runs before the command; returning an error throws it.
 * - Password changes call `onPasswordChange`, so an end-to-end test can apply the new password to a real server.
 */
import {
  AddTagsToResourceCommand,
  CreateDBInstanceCommand,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeEventsCommand,
  DescribeGlobalClustersCommand,
  CopyDBClusterSnapshotCommand,
  CopyDBSnapshotCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBSnapshotsCommand,
  FailoverGlobalClusterCommand,
  PromoteReadReplicaCommand,
  SwitchoverGlobalClusterCommand,
  ModifyDBClusterCommand,
  ModifyDBInstanceCommand,
  RDSClient,
  RDSServiceException,
  RestoreDBClusterToPointInTimeCommand,
  RestoreDBInstanceToPointInTimeCommand,
  RestoreDBClusterFromSnapshotCommand,
  CreateDBSubnetGroupCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  type DBCluster,
  type DBInstance,
  type Event,
  type Tag,
} from '@aws-sdk/client-rds';
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand, GetMetricStatisticsCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';

export const FAKE_ACCOUNT = '123456789012';
export const FAKE_REGION = 'eu-west-1';

const MINUTE = 60_000;

export class FakeClock {
  constructor(private time: number) {}
  now(): Date {
    return new Date(this.time);
  }
  advance(ms: number): void {
    this.time += ms;
  }
  readonly sleep = async (ms: number): Promise<void> => {
    this.advance(ms);
  };
}

/** Durations of the fake's transitions. */
export interface FakeTimings {
  /** Instance point-in-time restore until `available`. @default 20 min */
  instanceRestoreMs: number;
  /** Cluster point-in-time restore until `available`. @default 15 min */
  clusterRestoreMs: number;
  /** CreateDBInstance in a cluster until `available`. @default 8 min */
  clusterInstanceCreateMs: number;
  /** Master password change until applied. @default 30 s */
  passwordResetMs: number;
  /** Deletion until the resource disappears. @default 2 min */
  deleteMs: number;
  /** PromoteReadReplica until the instance is available and standalone. @default 6 min */
  promoteMs: number;
  /** Global switchover or failover until FailoverState clears (its clusters stay `available` throughout). @default 3 min */
  globalFailoverMs: number;
}

export interface FakeOptions {
  start: Date;
  timings?: Partial<FakeTimings>;
  /** Endpoint every restored instance reports. @default localhost:5432 */
  endpoint?: { host: string; port: number };
  /** Master user name of every source and restored resource. @default lifeboat_admin */
  masterUsername?: string;
  /** Called when a password change applies (after `passwordResetMs`). */
  onPasswordChange?: (username: string, password: string) => Promise<void>;
}

type Kind = 'instance' | 'cluster';

interface Transition {
  due: number;
  to: string | 'gone';
  events: { category: string; message: string }[];
  password?: string;
}

interface FakeResource {
  kind: Kind;
  id: string;
  arn: string;
  status: string;
  engine: string;
  tags: Record<string, string>;
  createdAt: Date;
  masterUsername: string;
  managedSecret: boolean;
  /** Sources are the protected databases; writes to them are violations. */
  source: boolean;
  /** Latest restorable time lags the clock by this much (sources only). */
  restorableLagMs?: number;
  clusterId?: string;
  transition?: Transition;
  pendingPassword?: boolean;
  /** KMS key of the managed master-user secret, as the last modify set it. */
  secretKmsKeyId?: string;
  /** What the restore ends in: `available` or a failure status such as `incompatible-restore`. */
  restoreOutcome?: string;
  input?: unknown;
  /** Read replica: the source instance's ARN (cleared by a promotion). */
  replicaSource?: string;
  multiAz?: boolean;
  /** Live settings a status check compares with the plan (BackupRetentionPeriod, DeletionProtection, ...). */
  settings?: Record<string, unknown>;
}

/** A manual or automated DB snapshot or DB cluster snapshot. */
interface FakeSnapshot {
  id: string;
  kind: Kind;
  sourceId: string;
  /** Region it lives in (a cross-region copy lives in the DR region). */
  region: string;
  type: 'manual' | 'automated';
  status: string;
  createdAt: Date;
  due: number;
  tags: Record<string, string>;
  kmsKeyId?: string;
  sourceSnapshot?: string;
}

/** An Aurora global database: member clusters (by id), the writer, and a switchover or failover in progress. */
interface FakeGlobalCluster {
  id: string;
  members: string[];
  writer: string;
  failover?: { status: 'pending' | 'failing-over'; to: string; allowDataLoss: boolean; startedAt: number; due: number };
  /** DeletionProtection as DescribeGlobalClusters reports it (RDS's default is off). */
  deletionProtection?: boolean;
}

export interface RecordedCall {
  command: string;
  input: any;
  time: Date;
  /** Tags of the resource the call writes to, as they were when the call arrived (undefined: none / not found). */
  targetTags?: Record<string, string>;
  /** The call was rejected (by the fake's validation or an injected fault). */
  error?: string;
  /** Region of the client that sent it (RDS calls). */
  region?: string;
}

export interface RecordedMetric {
  namespace: string;
  name: string;
  value: number;
  unit?: string;
  dimensions: Record<string, string>;
}

/** The EventBridge shape of an RDS event, as the handler receives it. */
export interface FakeRdsEventBridgeEvent {
  source: 'aws.rds';
  'detail-type': 'RDS DB Instance Event' | 'RDS DB Cluster Event';
  detail: { SourceIdentifier: string; SourceType: string; Date: string; Message: string; EventCategories: string[] };
}

export type Fault = (input: any, fake: FakeAws) => Error | undefined;

export function rdsError(name: string, message = name, status = 400): Error {
  return new RDSServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message });
}

export function throttling(): Error {
  return rdsError('Throttling', 'Rate exceeded');
}

/** A fault that fires `times` times (on calls matching `when`), then lets calls through. */
export function failTimes(times: number, error: () => Error, when: (input: any, fake: FakeAws) => boolean = () => true): Fault {
  let left = times;
  return (input, fake) => {
    if (left > 0 && when(input, fake)) {
      left -= 1;
      return error();
    }
    return undefined;
  };
}

const WRITE_COMMANDS = new Set(['ModifyDBInstance', 'DeleteDBInstance', 'ModifyDBCluster', 'DeleteDBCluster', 'AddTagsToResource']);

export class FakeAws {
  readonly clock: FakeClock;
  readonly rds: AwsStub<any, any, any>;
  readonly cloudwatch: AwsStub<any, any, any>;
  readonly calls: RecordedCall[] = [];
  readonly metrics: RecordedMetric[] = [];
  readonly rdsEvents: (Event & { Date: Date })[] = [];
  /** Writes that reached an untagged resource or a source: must stay empty. */
  readonly violations: string[] = [];
  /** Commands the fake does not implement that the handler sent: must stay empty. */
  readonly unsupported: string[] = [];
  private readonly pendingBridgeEvents: FakeRdsEventBridgeEvent[] = [];
  private readonly faults = new Map<string, Fault[]>();
  private readonly instances = new Map<string, FakeResource>();
  private readonly clusters = new Map<string, FakeResource>();
  private readonly automatedBackups = new Map<string, { sourceId: string; status: string; latestLagMs?: number; region?: string; retentionDays?: number }>();
  private readonly timings: FakeTimings;
  private readonly endpoint: { host: string; port: number };

  constructor(private readonly options: FakeOptions) {
    this.clock = new FakeClock(options.start.getTime());
    this.timings = {
      instanceRestoreMs: 20 * MINUTE,
      clusterRestoreMs: 15 * MINUTE,
      clusterInstanceCreateMs: 8 * MINUTE,
      passwordResetMs: 30_000,
      deleteMs: 2 * MINUTE,
      promoteMs: 6 * MINUTE,
      globalFailoverMs: 3 * MINUTE,
      ...options.timings,
    };
    this.endpoint = options.endpoint ?? { host: 'localhost', port: 5432 };
    this.rds = mockClient(RDSClient);
    this.cloudwatch = mockClient(CloudWatchClient);
    this.rds.onAnyCommand().callsFake((input: unknown) => {
      this.unsupported.push(JSON.stringify(input));
      throw rdsError('UnsupportedByFake');
    });
    this.handle(DescribeDBInstancesCommand, 'DescribeDBInstances', (input) => this.describeInstances(input));
    this.handle(DescribeDBClustersCommand, 'DescribeDBClusters', (input) => this.describeClusters(input));
    this.handle(DescribeDBInstanceAutomatedBackupsCommand, 'DescribeDBInstanceAutomatedBackups', (input) => this.describeAutomatedBackups(input));
    this.handle(DescribeEventsCommand, 'DescribeEvents', (input) => this.describeEvents(input));
    this.handle(RestoreDBInstanceToPointInTimeCommand, 'RestoreDBInstanceToPointInTime', (input) => this.restoreInstance(input));
    this.handle(RestoreDBClusterToPointInTimeCommand, 'RestoreDBClusterToPointInTime', (input) => this.restoreCluster(input));
    this.handle(CreateDBInstanceCommand, 'CreateDBInstance', (input) => this.createInstance(input));
    this.handle(ModifyDBInstanceCommand, 'ModifyDBInstance', (input) => this.modify('instance', input.DBInstanceIdentifier, input));
    this.handle(ModifyDBClusterCommand, 'ModifyDBCluster', (input) => this.modify('cluster', input.DBClusterIdentifier, input));
    this.handle(DeleteDBInstanceCommand, 'DeleteDBInstance', (input) => this.deleteInstance(input));
    this.handle(DeleteDBClusterCommand, 'DeleteDBCluster', (input) => this.deleteCluster(input));
    this.handle(AddTagsToResourceCommand, 'AddTagsToResource', (input) => this.addTags(input));
    this.handle(PromoteReadReplicaCommand, 'PromoteReadReplica', (input) => this.promote(input));
    this.handle(CreateDBSubnetGroupCommand, 'CreateDBSubnetGroup', (input, region) => {
      const key = `${region}/${input.DBSubnetGroupName}`;
      if (this.subnetGroups.has(key)) throw rdsError('DBSubnetGroupAlreadyExists', `DB subnet group ${input.DBSubnetGroupName} already exists`);
      this.subnetGroups.add(key);
      return { DBSubnetGroup: { DBSubnetGroupName: input.DBSubnetGroupName } };
    });
    this.handle(RestoreDBInstanceFromDBSnapshotCommand, 'RestoreDBInstanceFromDBSnapshot', (input, region) => this.restoreFromSnapshot('instance', input, region));
    this.handle(RestoreDBClusterFromSnapshotCommand, 'RestoreDBClusterFromSnapshot', (input, region) => this.restoreFromSnapshot('cluster', input, region));
    this.handle(DescribeDBSnapshotsCommand, 'DescribeDBSnapshots', (input, region) => this.describeSnapshots('instance', input, region));
    this.handle(DescribeDBClusterSnapshotsCommand, 'DescribeDBClusterSnapshots', (input, region) => this.describeSnapshots('cluster', input, region));
    this.handle(CreateDBSnapshotCommand, 'CreateDBSnapshot', (input, region) => this.createSnapshot('instance', input, region));
    this.handle(CreateDBClusterSnapshotCommand, 'CreateDBClusterSnapshot', (input, region) => this.createSnapshot('cluster', input, region));
    this.handle(CopyDBSnapshotCommand, 'CopyDBSnapshot', (input, region) => this.copySnapshot('instance', input, region));
    this.handle(CopyDBClusterSnapshotCommand, 'CopyDBClusterSnapshot', (input, region) => this.copySnapshot('cluster', input, region));
    this.handle(DescribeGlobalClustersCommand, 'DescribeGlobalClusters', (input) => this.describeGlobalClusters(input));
    this.handle(SwitchoverGlobalClusterCommand, 'SwitchoverGlobalCluster', (input) => this.globalFailover(input, false));
    this.handle(FailoverGlobalClusterCommand, 'FailoverGlobalCluster', (input) => this.globalFailover(input, input.AllowDataLoss === true));
    this.cloudwatch.onAnyCommand().callsFake((input: unknown) => {
      this.unsupported.push(JSON.stringify(input));
      throw rdsError('UnsupportedByFake');
    });
    this.cloudwatch.on(GetMetricStatisticsCommand).callsFake(async (input: any) => {
      const error = this.runFaults('GetMetricStatistics', input);
      this.calls.push({ command: 'GetMetricStatistics', input, time: this.clock.now(), ...(error ? { error: error.name } : {}) });
      if (error) throw error;
      const recent = this.recentMetrics.get(`${input.MetricName}/${(input.Dimensions ?? [])[0]?.Value}`);
      if (recent) {
        const at = new Date(this.clock.now().getTime() - recent.ageMs);
        const inside = (!input.StartTime || at.getTime() >= input.StartTime.getTime()) && (!input.EndTime || at.getTime() <= input.EndTime.getTime());
        return { Datapoints: inside ? [{ Timestamp: at, Maximum: recent.value, Minimum: recent.value, Average: recent.value }] : [] };
      }
      const storeId = (input.Dimensions ?? []).find((d: { Name: string }) => d.Name === 'StoreId')?.Value;
      const points = this.metricHistory.get(`${input.MetricName}/${storeId}`) ?? [];
      return { Datapoints: points.map((value, index) => ({ Timestamp: new Date(this.clock.now().getTime() - (points.length - index) * 86_400_000), Maximum: value })) };
    });
    // GetMetricData (the verification metrics `lifeboat status` and `report` read hourly): the recent datapoints set
    // with setRecentMetric, one per metric and resource, in the period that contains it.
    this.cloudwatch.on(GetMetricDataCommand).callsFake(async (input: any) => {
      const error = this.runFaults('GetMetricData', input);
      this.calls.push({ command: 'GetMetricData', input, time: this.clock.now(), ...(error ? { error: error.name } : {}) });
      if (error) throw error;
      return {
        MetricDataResults: (input.MetricDataQueries ?? []).map((query: any) => {
          const stat = query.MetricStat;
          const recent = this.recentMetrics.get(`${stat.Metric.MetricName}/${(stat.Metric.Dimensions ?? [])[0]?.Value}`);
          const period = stat.Period * 1000;
          const at = recent ? Math.floor((this.clock.now().getTime() - recent.ageMs) / period) * period : NaN;
          const inside = recent !== undefined && at >= input.StartTime.getTime() && at < input.EndTime.getTime();
          return { Id: query.Id, StatusCode: 'Complete', Timestamps: inside ? [new Date(at)] : [], Values: inside ? [recent.value] : [] };
        }),
      };
    });
    this.cloudwatch.on(DescribeAlarmsCommand).callsFake(async (input: any) => {
      const error = this.runFaults('DescribeAlarms', input);
      this.calls.push({ command: 'DescribeAlarms', input, time: this.clock.now(), ...(error ? { error: error.name } : {}) });
      if (error) throw error;
      if ((input.AlarmNames ?? []).length > 100) throw rdsError('ValidationError', 'at most 100 alarm names');
      const names: string[] = input.AlarmNames ?? [...this.alarmStates.keys()];
      return { MetricAlarms: names.filter((name) => this.alarmStates.has(name)).map((name) => ({ AlarmName: name, StateValue: this.alarmStates.get(name), StateUpdatedTimestamp: this.clock.now() })) };
    });
    this.cloudwatch.on(PutMetricDataCommand).callsFake(async (input: any) => {
      const error = this.runFaults('PutMetricData', input);
      this.calls.push({ command: 'PutMetricData', input, time: this.clock.now(), ...(error ? { error: error.name } : {}) });
      if (error) throw error;
      for (const datum of input.MetricData ?? []) {
        this.metrics.push({
          namespace: input.Namespace,
          name: datum.MetricName,
          value: datum.Value,
          unit: datum.Unit,
          dimensions: Object.fromEntries((datum.Dimensions ?? []).map((d: { Name: string; Value: string }) => [d.Name, d.Value])),
        });
      }
      return {};
    });
  }

  /** Restores aws-sdk-client-mock's stubs; call in afterEach. */
  restore(): void {
    this.rds.restore();
    this.cloudwatch.restore();
  }

  // ----------------------------------------------------------------------------------------------------- set-up

  addSourceInstance(id: string, options: { engine?: string; restorableLagMs?: number; managedSecret?: boolean } = {}): void {
    this.instances.set(id, this.resource('instance', id, 'available', options.engine ?? 'postgres', {}, { source: true, restorableLagMs: options.restorableLagMs ?? MINUTE, managedSecret: options.managedSecret ?? false }));
  }

  addSourceCluster(id: string, options: { engine?: string; restorableLagMs?: number } = {}): void {
    this.clusters.set(id, this.resource('cluster', id, 'available', options.engine ?? 'aurora-postgresql', {}, { source: true, restorableLagMs: options.restorableLagMs ?? MINUTE, managedSecret: true }));
  }

  /** Replicated automated backups of `sourceId` in this region (cross-region automated backup replication). */
  addAutomatedBackups(arn: string, sourceId: string, status = 'replicating', latestLagMs = 10 * MINUTE, options: { region?: string; retentionDays?: number } = {}): void {
    // `region`: what the answer's Region field says (it may name the source's region rather than the ARN's).
    this.automatedBackups.set(arn, { sourceId, status, latestLagMs, ...(options.region ? { region: options.region } : {}), ...(options.retentionDays !== undefined ? { retentionDays: options.retentionDays } : {}) });
  }

  /**
   * What an AWS Backup restore job creates (test/support/fake-backup.ts): an instance or cluster `creating` for
   * `dueMs`, then `available`, untagged and without a managed secret (a snapshot restore carries neither). Its ARN.
   */
  addRestoringResource(kind: Kind, id: string, engine: string, dueMs: number): string {
    const resources = kind === 'instance' ? this.instances : this.clusters;
    if (resources.has(id)) throw rdsError(kind === 'instance' ? 'DBInstanceAlreadyExists' : 'DBClusterAlreadyExistsFault', `${id} already exists`);
    const resource = this.resource(kind, id, 'creating', engine, {}, { managedSecret: false });
    resource.transition = { due: this.clock.now().getTime() + dueMs, to: 'available', events: [{ category: 'restoration', message: 'Restored from a snapshot by AWS Backup' }] };
    resources.set(id, resource);
    return resource.arn;
  }

  /** Tags of an instance or cluster as the fake holds them (undefined: no such resource). */
  tagsOf(id: string): Record<string, string> | undefined {
    const found = this.instances.get(id) ?? this.clusters.get(id);
    return found ? { ...found.tags } : undefined;
  }

  /** An instance of a cluster (Aurora writer or reader), available. */
  addClusterInstance(id: string, clusterId: string): void {
    const cluster = this.clusters.get(clusterId);
    this.instances.set(id, this.resource('instance', id, 'available', cluster?.engine ?? 'aurora-postgresql', {}, { source: cluster?.source ?? false, clusterId }));
  }

  /** Any other instance (e.g. an untagged one a person created under the verification prefix). */
  addInstance(id: string, tags: Record<string, string>, status = 'available'): void {
    this.instances.set(id, this.resource('instance', id, status, 'postgres', tags, { source: false }));
  }

  removeInstance(id: string): void {
    this.instances.delete(id);
  }

  /** Live settings of an instance or cluster (e.g. `{ BackupRetentionPeriod: 14, MultiAZ: true, DeletionProtection: true }`). */
  setSettings(id: string, settings: Record<string, unknown>): void {
    const found = this.instances.get(id) ?? this.clusters.get(id);
    if (!found) throw new Error(`no ${id} in the fake`);
    found.settings = { ...found.settings, ...settings };
    if (typeof settings.MultiAZ === 'boolean') found.multiAz = settings.MultiAZ;
  }

  /** An existing snapshot (automated or manual) of `sourceId`, `ageMs` old. */
  addSnapshot(id: string, sourceId: string, options: { kind?: Kind; ageMs?: number; type?: 'manual' | 'automated'; region?: string } = {}): void {
    const createdAt = new Date(this.clock.now().getTime() - (options.ageMs ?? 0));
    this.snapshots.set(`${options.region ?? FAKE_REGION}/${id}`, { id, kind: options.kind ?? 'instance', sourceId, region: options.region ?? FAKE_REGION, type: options.type ?? 'automated', status: 'available', createdAt, due: 0, tags: {} });
  }

  /** The snapshots the fake holds (what checkpoint created, with tags and status). */
  snapshotState(id: string, region = FAKE_REGION): Omit<FakeSnapshot, 'due'> | undefined {
    const found = this.snapshots.get(`${region}/${id}`);
    if (!found) return undefined;
    const { due: _due, ...rest } = found;
    return rest;
  }

  /** CloudWatch alarm states DescribeAlarms answers (alarms not set here do not exist). */
  readonly alarmStates = new Map<string, 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'>();

  private readonly snapshots = new Map<string, FakeSnapshot>();
  /** DB subnet groups by `<region>/<name>`. */
  private readonly subnetGroups = new Set<string>();

  /** A cross-region read replica of the source instance `sourceId` (in the DR region). */
  addReadReplica(id: string, sourceId: string, options: { sourceRegion?: string; multiAz?: boolean } = {}): void {
    const replica = this.resource('instance', id, 'available', this.instances.get(sourceId)?.engine ?? 'postgres', {}, { source: false, multiAz: options.multiAz ?? false });
    replica.replicaSource = `arn:aws:rds:${options.sourceRegion ?? FAKE_REGION}:${FAKE_ACCOUNT}:db:${sourceId}`;
    this.instances.set(id, replica);
  }

  /** An Aurora global database whose writer is the (source) cluster `primary`, with the secondary cluster `secondary`. */
  addGlobalCluster(id: string, primary: string, secondary: string, engine = 'aurora-postgresql', options: { deletionProtection?: boolean } = {}): void {
    if (!this.clusters.has(primary)) this.addSourceCluster(primary, { engine });
    if (!this.clusters.has(secondary)) this.clusters.set(secondary, this.resource('cluster', secondary, 'available', engine, {}, { source: false, managedSecret: false }));
    this.globalClusters.set(id, { id, members: [primary, secondary], writer: primary, ...(options.deletionProtection !== undefined ? { deletionProtection: options.deletionProtection } : {}) });
  }

  /** Turns the global cluster's deletion protection on or off (what `modify-global-cluster` changes). */
  setGlobalDeletionProtection(id: string, on: boolean): void {
    const global = this.globalClusters.get(id);
    if (!global) throw new Error(`no global cluster ${id} in the fake`);
    global.deletionProtection = on;
  }

  /** The global cluster's writer and failover state, as the fake holds them. */
  globalCluster(id: string): { writer: string; failover: string | null } | undefined {
    const global = this.globalClusters.get(id);
    return global ? { writer: global.writer, failover: global.failover?.status ?? null } : undefined;
  }

  /** The instance as the fake holds it: still a replica? Multi-AZ? */
  instanceState(id: string): { status: string; replicaOf: string | null; multiAz: boolean } | undefined {
    const found = this.instances.get(id);
    return found ? { status: found.status, replicaOf: found.replicaSource ?? null, multiAz: found.multiAz ?? false } : undefined;
  }

  /** The newest datapoint of `<metric>` for the resource (first dimension value), `ageMs` old: e.g. ReplicaLag. */
  setRecentMetric(metricName: string, dimensionValue: string, value: number, ageMs = MINUTE): void {
    this.recentMetrics.set(`${metricName}/${dimensionValue}`, { value, ageMs });
  }

  private readonly recentMetrics = new Map<string, { value: number; ageMs: number }>();
  private readonly globalClusters = new Map<string, FakeGlobalCluster>();

  /** Datapoints (one per day, oldest first) GetMetricStatistics answers for `<metric>/<store id>`. */
  readonly metricHistory = new Map<string, number[]>();

  /** Makes the next restores of `id` end in `status` (e.g. `incompatible-restore`) or never finish (`creating`). */
  readonly restoreOutcomes = new Map<string, string>();

  inject(command: string, fault: Fault): void {
    this.faults.set(command, [...(this.faults.get(command) ?? []), fault]);
  }

  // ---------------------------------------------------------------------------------------------------- queries

  /** Instances and clusters carrying the verification tag (what must be gone at the end of every scenario). */
  temporaryResources(): string[] {
    return [...this.instances.values(), ...this.clusters.values()]
      .filter((resource) => resource.tags['lifeboat:verification'] === 'true')
      .map((resource) => `${resource.kind}:${resource.id}:${resource.status}`);
  }

  instanceIds(): string[] {
    return [...this.instances.keys()].sort();
  }

  callsOf(command: string): RecordedCall[] {
    return this.calls.filter((call) => call.command === command);
  }

  /** Takes the EventBridge events emitted since the last call, as an RDS event rule would deliver them. */
  takeBridgeEvents(): FakeRdsEventBridgeEvent[] {
    return this.pendingBridgeEvents.splice(0, this.pendingBridgeEvents.length);
  }

  pendingBridgeEventCount(): number {
    return this.pendingBridgeEvents.length;
  }

  /** Applies every transition that is due now (normally done at the start of each call). */
  async settle(): Promise<void> {
    const now = this.clock.now().getTime();
    for (const snapshot of this.snapshots.values()) {
      if (snapshot.status === 'creating' && snapshot.due <= now) snapshot.status = 'available';
    }
    for (const global of this.globalClusters.values()) {
      const failover = global.failover;
      if (!failover) continue;
      // The new writer takes over halfway; FailoverState stays until the old writer rejoined as a secondary, so
      // "the target writes" alone returns early.
      if (now >= (failover.startedAt + failover.due) / 2) global.writer = failover.to;
      if (failover.due <= now) {
        global.writer = failover.to;
        global.failover = undefined;
      } else if (now - failover.startedAt >= 30_000) {
        failover.status = 'failing-over';
      }
    }
    for (const resource of [...this.clusters.values(), ...this.instances.values()]) {
      const transition = resource.transition;
      if (!transition || transition.due > now) continue;
      resource.transition = undefined;
      for (const event of transition.events) this.emit(resource, event.category, event.message, new Date(transition.due));
      if (transition.password !== undefined) {
        resource.pendingPassword = false;
        await this.options.onPasswordChange?.(resource.masterUsername, transition.password);
        // An instance in a cluster authenticates with the cluster's password.
      }
      if (this.pendingPromotions.has(resource.id)) {
        this.pendingPromotions.delete(resource.id);
        resource.replicaSource = undefined;
      }
      if (transition.to === 'gone') {
        (resource.kind === 'instance' ? this.instances : this.clusters).delete(resource.id);
      } else {
        resource.status = transition.to;
      }
    }
  }

  // ------------------------------------------------------------------------------------------------- internals

  private arn(kind: Kind, id: string): string {
    return `arn:aws:rds:${FAKE_REGION}:${FAKE_ACCOUNT}:${kind === 'instance' ? 'db' : 'cluster'}:${id}`;
  }

  private resource(kind: Kind, id: string, status: string, engine: string, tags: Record<string, string>, extra: Partial<FakeResource>): FakeResource {
    return { kind, id, arn: this.arn(kind, id), status, engine, tags: { ...tags }, createdAt: this.clock.now(), masterUsername: this.options.masterUsername ?? 'lifeboat_admin', managedSecret: false, source: false, ...extra };
  }

  private emit(resource: FakeResource, category: string, message: string, date: Date): void {
    const sourceType = resource.kind === 'instance' ? 'db-instance' : 'db-cluster';
    this.rdsEvents.push({ SourceIdentifier: resource.id, SourceType: sourceType, Message: message, EventCategories: [category], Date: date, SourceArn: resource.arn });
    this.pendingBridgeEvents.push({
      source: 'aws.rds',
      'detail-type': resource.kind === 'instance' ? 'RDS DB Instance Event' : 'RDS DB Cluster Event',
      detail: { SourceIdentifier: resource.id, SourceType: sourceType.toUpperCase().replace('-', '_'), Date: date.toISOString(), Message: message, EventCategories: [category] },
    });
  }

  private runFaults(command: string, input: unknown): Error | undefined {
    for (const fault of this.faults.get(command) ?? []) {
      const error = fault(input, this);
      if (error) return error;
    }
    return undefined;
  }

  private writeTarget(command: string, input: any): FakeResource | undefined {
    switch (command) {
      case 'ModifyDBInstance':
      case 'DeleteDBInstance':
        return this.instances.get(input.DBInstanceIdentifier);
      case 'ModifyDBCluster':
      case 'DeleteDBCluster':
        return this.clusters.get(input.DBClusterIdentifier);
      case 'AddTagsToResource':
        return [...this.instances.values(), ...this.clusters.values()].find((resource) => resource.arn === input.ResourceName);
      default:
        return undefined;
    }
  }

  private handle(command: any, name: string, run: (input: any, region: string) => unknown): void {
    this.rds.on(command).callsFake(async (input: any, getClient: () => { config: { region?: unknown } }) => {
      await this.settle();
      const configured = getClient?.()?.config?.region;
      const region = typeof configured === 'function' ? String(await (configured as () => Promise<string>)()) : typeof configured === 'string' ? configured : FAKE_REGION;
      const target = WRITE_COMMANDS.has(name) ? this.writeTarget(name, input) : undefined;
      const call: RecordedCall = { command: name, input, time: this.clock.now(), region, ...(target ? { targetTags: { ...target.tags } } : {}) };
      this.calls.push(call);
      if (target && (target.source || target.tags['lifeboat:verification'] !== 'true')) {
        this.violations.push(`${name} on ${target.kind} ${target.id} (tags ${JSON.stringify(target.tags)}${target.source ? ', a SOURCE' : ''})`);
      }
      const fault = this.runFaults(name, input);
      if (fault) {
        call.error = fault.name;
        throw fault;
      }
      try {
        return await run(input, region);
      } catch (error) {
        call.error = (error as Error).name;
        throw error;
      }
    });
  }

  private toInstance(resource: FakeResource): DBInstance {
    const available = !['creating'].includes(resource.status) || resource.source;
    return {
      DBInstanceIdentifier: resource.id,
      DBInstanceArn: resource.arn,
      DBInstanceStatus: resource.status,
      Engine: resource.engine,
      MasterUsername: resource.masterUsername,
      TagList: Object.entries(resource.tags).map(([Key, Value]) => ({ Key, Value })),
      InstanceCreateTime: resource.createdAt,
      ...(available ? { Endpoint: { Address: this.endpoint.host, Port: this.endpoint.port } } : {}),
      ...(resource.restorableLagMs !== undefined ? { LatestRestorableTime: new Date(this.clock.now().getTime() - resource.restorableLagMs) } : {}),
      ...(resource.managedSecret ? { MasterUserSecret: { SecretArn: `arn:aws:secretsmanager:${FAKE_REGION}:${FAKE_ACCOUNT}:secret:rds!db-${resource.id}`, SecretStatus: 'active' } } : {}),
      ...(resource.pendingPassword ? { PendingModifiedValues: { MasterUserPassword: '****' } } : { PendingModifiedValues: {} }),
      ...(resource.clusterId ? { DBClusterIdentifier: resource.clusterId } : {}),
      ...(resource.replicaSource ? { ReadReplicaSourceDBInstanceIdentifier: resource.replicaSource } : {}),
      ...(resource.multiAz !== undefined ? { MultiAZ: resource.multiAz } : {}),
      ...resource.settings,
    };
  }

  private toCluster(resource: FakeResource): DBCluster {
    return {
      DBClusterIdentifier: resource.id,
      DBClusterArn: resource.arn,
      Status: resource.status,
      Engine: resource.engine,
      MasterUsername: resource.masterUsername,
      TagList: Object.entries(resource.tags).map(([Key, Value]) => ({ Key, Value })),
      ClusterCreateTime: resource.createdAt,
      ...(resource.restorableLagMs !== undefined ? { LatestRestorableTime: new Date(this.clock.now().getTime() - resource.restorableLagMs) } : {}),
      ...(resource.managedSecret ? { MasterUserSecret: { SecretArn: `arn:aws:secretsmanager:${FAKE_REGION}:${FAKE_ACCOUNT}:secret:rds!cluster-${resource.id}`, SecretStatus: 'active' } } : {}),
      ...(resource.pendingPassword ? { PendingModifiedValues: { MasterUserPassword: '****' } } : {}),
      DBClusterMembers: [...this.instances.values()].filter((i) => i.clusterId === resource.id).map((i) => ({ DBInstanceIdentifier: i.id, IsClusterWriter: true })),
      ...resource.settings,
    };
  }

  private page<T>(items: T[], input: { Marker?: string; MaxRecords?: number }): { items: T[]; Marker?: string } {
    const start = input.Marker ? Number(input.Marker) : 0;
    const size = Math.min(input.MaxRecords ?? 100, 2); // tiny pages so the handler's pagination is exercised
    const next = start + size;
    return { items: items.slice(start, next), ...(next < items.length ? { Marker: String(next) } : {}) };
  }

  private describeInstances(input: any) {
    if (input.DBInstanceIdentifier) {
      const found = this.instances.get(input.DBInstanceIdentifier);
      if (!found) throw rdsError('DBInstanceNotFoundFault', `DBInstance ${input.DBInstanceIdentifier} not found.`, 404);
      return { DBInstances: [this.toInstance(found)] };
    }
    const { items, Marker } = this.page([...this.instances.values()].sort((a, b) => a.id.localeCompare(b.id)), input);
    return { DBInstances: items.map((item) => this.toInstance(item)), ...(Marker ? { Marker } : {}) };
  }

  private describeClusters(input: any) {
    if (input.DBClusterIdentifier) {
      const found = this.clusters.get(input.DBClusterIdentifier);
      if (!found) throw rdsError('DBClusterNotFoundFault', `DBCluster ${input.DBClusterIdentifier} not found.`, 404);
      return { DBClusters: [this.toCluster(found)] };
    }
    const { items, Marker } = this.page([...this.clusters.values()].sort((a, b) => a.id.localeCompare(b.id)), input);
    return { DBClusters: items.map((item) => this.toCluster(item)), ...(Marker ? { Marker } : {}) };
  }

  private describeAutomatedBackups(input: any) {
    if (input.DBInstanceIdentifier && !input.DBInstanceAutomatedBackupsArn) {
      // By instance: the source's own backups (this region), then replicated ones of that source.
      const source = this.instances.get(input.DBInstanceIdentifier);
      const now = this.clock.now().getTime();
      const own = source?.source
        ? [{ DBInstanceIdentifier: source.id, Region: FAKE_REGION, Status: 'active', RestoreWindow: { EarliestTime: new Date(now - 14 * 24 * 3600_000), LatestTime: new Date(now - (source.restorableLagMs ?? 0)) } }]
        : [];
      const replicated = [...this.automatedBackups.entries()]
        .filter(([, backup]) => backup.sourceId === input.DBInstanceIdentifier)
        .map(([arn, backup]) => ({ DBInstanceAutomatedBackupsArn: arn, DBInstanceIdentifier: backup.sourceId, ...(backup.region ? { Region: backup.region } : {}), ...(backup.retentionDays !== undefined ? { BackupRetentionPeriod: backup.retentionDays } : {}), Status: backup.status, RestoreWindow: { EarliestTime: new Date(now - 7 * 24 * 3600_000), LatestTime: new Date(now - (backup.latestLagMs ?? 10 * MINUTE)) } }));
      if (own.length + replicated.length === 0) throw rdsError('DBInstanceAutomatedBackupNotFoundFault', 'not found', 404);
      return { DBInstanceAutomatedBackups: [...own, ...replicated] };
    }
    const backup = this.automatedBackups.get(input.DBInstanceAutomatedBackupsArn);
    if (!backup) throw rdsError('DBInstanceAutomatedBackupNotFoundFault', 'not found', 404);
    return {
      DBInstanceAutomatedBackups: [
        {
          DBInstanceAutomatedBackupsArn: input.DBInstanceAutomatedBackupsArn,
          DBInstanceIdentifier: backup.sourceId,
          Status: backup.status,
          RestoreWindow: { EarliestTime: new Date(this.clock.now().getTime() - 7 * 24 * 3600_000), LatestTime: new Date(this.clock.now().getTime() - 10 * MINUTE) },
        },
      ],
    };
  }

  private describeEvents(input: any) {
    const events = this.rdsEvents.filter(
      (event) =>
        (!input.SourceIdentifier || event.SourceIdentifier === input.SourceIdentifier) &&
        (!input.SourceType || event.SourceType === input.SourceType) &&
        (!input.StartTime || event.Date.getTime() >= input.StartTime.getTime()) &&
        (!input.EndTime || event.Date.getTime() <= input.EndTime.getTime()),
    );
    const { items, Marker } = this.page(events, input);
    return { Events: items, ...(Marker ? { Marker } : {}) };
  }

  private requestTags(tags: Tag[] | undefined): Record<string, string> {
    return Object.fromEntries((tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
  }

  private checkRestoreTime(source: FakeResource | undefined, latest: Date, time: Date | undefined, useLatest: boolean | undefined): void {
    if (useLatest && time) throw rdsError('InvalidParameterCombination', 'RestoreTime and UseLatestRestorableTime both given');
    if (!useLatest && !time) throw rdsError('InvalidParameterCombination', 'RestoreTime or UseLatestRestorableTime required');
    if (time && time.getTime() >= latest.getTime()) throw rdsError('InvalidRestoreFault', `restore time ${time.toISOString()} not before latest restorable time ${latest.toISOString()}${source ? ` of ${source.id}` : ''}`);
  }

  private restoreInstance(input: any) {
    if (this.instances.has(input.TargetDBInstanceIdentifier)) throw rdsError('DBInstanceAlreadyExists', 'DB instance already exists');
    let engine = 'postgres';
    let latest: Date;
    let source: FakeResource | undefined;
    if (input.SourceDBInstanceAutomatedBackupsArn) {
      const backup = this.automatedBackups.get(input.SourceDBInstanceAutomatedBackupsArn);
      if (!backup) throw rdsError('DBInstanceAutomatedBackupNotFoundFault', 'automated backups not found', 404);
      latest = new Date(this.clock.now().getTime() - 10 * MINUTE);
    } else {
      source = this.instances.get(input.SourceDBInstanceIdentifier);
      if (!source || !source.source) throw rdsError('DBInstanceNotFoundFault', `DBInstance ${input.SourceDBInstanceIdentifier} not found.`, 404);
      engine = source.engine;
      latest = new Date(this.clock.now().getTime() - (source.restorableLagMs ?? 0));
    }
    this.checkRestoreTime(source, latest, input.RestoreTime, input.UseLatestRestorableTime);
    const outcome = this.restoreOutcomes.get(input.TargetDBInstanceIdentifier) ?? 'available';
    // Modelled conservatively: the restored instance keeps the source's Secrets Manager management of the password.
    const resource = this.resource('instance', input.TargetDBInstanceIdentifier, 'creating', engine, this.requestTags(input.Tags), { input, managedSecret: source?.managedSecret ?? false });
    const due = this.clock.now().getTime() + this.timings.instanceRestoreMs;
    if (outcome !== 'creating') {
      resource.transition = {
        due,
        to: outcome,
        events:
          outcome === 'available'
            ? [{ category: 'restoration', message: `Restored from DB instance ${input.SourceDBInstanceIdentifier ?? 'automated backups'} to ${resource.id}` }]
            : [{ category: 'failure', message: `Restore failed: ${outcome}` }],
      };
    }
    this.instances.set(resource.id, resource);
    return { DBInstance: this.toInstance(resource) };
  }

  private restoreCluster(input: any) {
    if (this.clusters.has(input.DBClusterIdentifier)) throw rdsError('DBClusterAlreadyExistsFault', 'DB cluster already exists');
    const source = this.clusters.get(input.SourceDBClusterIdentifier);
    if (!source || !source.source) throw rdsError('DBClusterNotFoundFault', `DBCluster ${input.SourceDBClusterIdentifier} not found.`, 404);
    if (input.RestoreType !== 'full-copy') throw rdsError('InvalidParameterValue', 'the fake expects full-copy restores');
    this.checkRestoreTime(source, new Date(this.clock.now().getTime() - (source.restorableLagMs ?? 0)), input.RestoreToTime, input.UseLatestRestorableTime);
    const outcome = this.restoreOutcomes.get(input.DBClusterIdentifier) ?? 'available';
    // A restored cluster keeps the source's Secrets Manager management of the master password.
    const resource = this.resource('cluster', input.DBClusterIdentifier, 'creating', source.engine, this.requestTags(input.Tags), { input, managedSecret: source.managedSecret });
    if (outcome !== 'creating') {
      resource.transition = {
        due: this.clock.now().getTime() + this.timings.clusterRestoreMs,
        to: outcome,
        events: outcome === 'available' ? [{ category: 'creation', message: 'DB cluster created' }] : [{ category: 'failure', message: `Restore failed: ${outcome}` }],
      };
    }
    this.clusters.set(resource.id, resource);
    return { DBCluster: this.toCluster(resource) };
  }

  private createInstance(input: any) {
    if (this.instances.has(input.DBInstanceIdentifier)) throw rdsError('DBInstanceAlreadyExists', 'DB instance already exists');
    const cluster = this.clusters.get(input.DBClusterIdentifier);
    if (!cluster) throw rdsError('DBClusterNotFoundFault', 'cluster not found', 404);
    if (cluster.status !== 'available') throw rdsError('InvalidDBClusterStateFault', `cluster is ${cluster.status}`);
    if (input.Engine !== cluster.engine) throw rdsError('InvalidParameterCombination', `engine ${input.Engine} differs from the cluster's ${cluster.engine}`);
    const resource = this.resource('instance', input.DBInstanceIdentifier, 'creating', cluster.engine, this.requestTags(input.Tags), { input, clusterId: cluster.id });
    resource.masterUsername = cluster.masterUsername;
    resource.transition = { due: this.clock.now().getTime() + this.timings.clusterInstanceCreateMs, to: 'available', events: [{ category: 'creation', message: 'DB instance created' }] };
    this.instances.set(resource.id, resource);
    return { DBInstance: this.toInstance(resource) };
  }

  private modify(kind: Kind, id: string, input: any) {
    const resource = (kind === 'instance' ? this.instances : this.clusters).get(id);
    if (!resource) throw rdsError(kind === 'instance' ? 'DBInstanceNotFoundFault' : 'DBClusterNotFoundFault', `${id} not found`, 404);
    if (resource.status !== 'available') throw rdsError(kind === 'instance' ? 'InvalidDBInstanceStateFault' : 'InvalidDBClusterStateFault', `${id} is ${resource.status}`);
    if (kind === 'instance' && resource.clusterId) throw rdsError('InvalidParameterCombination', 'the master password of an Aurora instance is set on its cluster');
    if (kind === 'instance' && input.MultiAZ !== undefined && input.MultiAZ !== (resource.multiAz ?? false)) {
      resource.multiAz = input.MultiAZ;
      resource.status = 'modifying';
      resource.transition = { due: this.clock.now().getTime() + 10 * MINUTE, to: 'available', events: [{ category: 'configuration change', message: 'Multi-AZ changed' }] };
    }
    if (input.ManageMasterUserPassword === true && input.MasterUserPassword === undefined) {
      resource.managedSecret = true;
      resource.secretKmsKeyId = input.MasterUserSecretKmsKeyId;
    }
    if (input.MasterUserPassword !== undefined) {
      if (resource.managedSecret && input.ManageMasterUserPassword !== false) {
        throw rdsError('InvalidParameterCombination', 'the master password is managed by Secrets Manager: set ManageMasterUserPassword false to set MasterUserPassword');
      }
      if (input.ApplyImmediately !== true) throw rdsError('InvalidParameterCombination', 'the fake expects ApplyImmediately');
      if (input.ManageMasterUserPassword === false) resource.managedSecret = false;
      resource.status = 'resetting-master-credentials';
      resource.pendingPassword = true;
      resource.transition = { due: this.clock.now().getTime() + this.timings.passwordResetMs, to: 'available', events: [{ category: 'configuration change', message: 'Reset master credentials' }], password: input.MasterUserPassword };
    }
    return kind === 'instance' ? { DBInstance: this.toInstance(resource) } : { DBCluster: this.toCluster(resource) };
  }

  private deleteInstance(input: any) {
    const resource = this.instances.get(input.DBInstanceIdentifier);
    if (!resource) throw rdsError('DBInstanceNotFoundFault', `${input.DBInstanceIdentifier} not found`, 404);
    if (resource.status === 'deleting') throw rdsError('InvalidDBInstanceStateFault', 'already deleting');
    if (!resource.clusterId && input.SkipFinalSnapshot !== true && !input.FinalDBSnapshotIdentifier) {
      throw rdsError('InvalidParameterCombination', 'FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is set');
    }
    resource.status = 'deleting';
    resource.pendingPassword = false;
    resource.transition = { due: this.clock.now().getTime() + this.timings.deleteMs, to: 'gone', events: [{ category: 'deletion', message: 'DB instance deleted' }] };
    return { DBInstance: this.toInstance(resource) };
  }

  private deleteCluster(input: any) {
    const resource = this.clusters.get(input.DBClusterIdentifier);
    if (!resource) throw rdsError('DBClusterNotFoundFault', `${input.DBClusterIdentifier} not found`, 404);
    if ([...this.instances.values()].some((instance) => instance.clusterId === resource.id)) {
      throw rdsError('InvalidDBClusterStateFault', 'Cluster cannot be deleted, it still contains DB instances in non-deleting state.');
    }
    if (resource.status === 'deleting') throw rdsError('InvalidDBClusterStateFault', 'already deleting');
    if (input.SkipFinalSnapshot !== true && !input.FinalDBSnapshotIdentifier) {
      throw rdsError('InvalidParameterCombination', 'FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is set');
    }
    resource.status = 'deleting';
    resource.transition = { due: this.clock.now().getTime() + this.timings.deleteMs, to: 'gone', events: [{ category: 'deletion', message: 'DB cluster deleted' }] };
    return { DBCluster: this.toCluster(resource) };
  }

  private addTags(input: any) {
    const resource = [...this.instances.values(), ...this.clusters.values()].find((candidate) => candidate.arn === input.ResourceName);
    if (!resource) throw rdsError('DBInstanceNotFoundFault', `${input.ResourceName} not found`, 404);
    Object.assign(resource.tags, this.requestTags(input.Tags));
    return {};
  }

  private promote(input: any) {
    const resource = this.instances.get(input.DBInstanceIdentifier);
    if (!resource) throw rdsError('DBInstanceNotFoundFault', `${input.DBInstanceIdentifier} not found`, 404);
    if (!resource.replicaSource) throw rdsError('InvalidDBInstanceStateFault', `DB Instance ${resource.id} is not a read replica.`);
    if (resource.status !== 'available') throw rdsError('InvalidDBInstanceStateFault', `${resource.id} is ${resource.status}`);
    resource.status = 'modifying';
    resource.transition = { due: this.clock.now().getTime() + this.timings.promoteMs, to: 'available', events: [{ category: 'read replica', message: 'Promoted read replica to a standalone database instance' }] };
    // RDS reports the instance standalone once the promotion completes: settle() clears the source then.
    this.pendingPromotions.set(resource.id, resource.transition.due);
    return { DBInstance: this.toInstance(resource) };
  }

  private readonly pendingPromotions = new Map<string, number>();

  private globalMember(arnOrId: string): string | undefined {
    return [...this.clusters.values()].find((cluster) => cluster.arn === arnOrId || cluster.id === arnOrId)?.id;
  }

  private describeGlobalClusters(input: any) {
    const list = input.GlobalClusterIdentifier ? [this.globalClusters.get(input.GlobalClusterIdentifier)] : [...this.globalClusters.values()];
    if (list.some((global) => global === undefined)) throw rdsError('GlobalClusterNotFoundFault', `Global cluster ${input.GlobalClusterIdentifier} not found.`, 404);
    return {
      GlobalClusters: (list as FakeGlobalCluster[]).map((global) => ({
        GlobalClusterIdentifier: global.id,
        GlobalClusterArn: `arn:aws:rds::${FAKE_ACCOUNT}:global-cluster:${global.id}`,
        Status: 'available',
        DeletionProtection: global.deletionProtection ?? false,
        GlobalClusterMembers: global.members.map((member) => ({ DBClusterArn: this.clusters.get(member)?.arn ?? member, IsWriter: member === global.writer })),
        ...(global.failover
          ? {
              FailoverState: {
                Status: global.failover.status,
                FromDbClusterArn: this.clusters.get(global.writer)?.arn,
                ToDbClusterArn: this.clusters.get(global.failover.to)?.arn,
                IsDataLossAllowed: global.failover.allowDataLoss,
              },
            }
          : {}),
      })),
    };
  }

  private globalFailover(input: any, allowDataLoss: boolean) {
    const global = this.globalClusters.get(input.GlobalClusterIdentifier);
    if (!global) throw rdsError('GlobalClusterNotFoundFault', `Global cluster ${input.GlobalClusterIdentifier} not found.`, 404);
    const target = this.globalMember(input.TargetDbClusterIdentifier);
    if (!target || !global.members.includes(target)) throw rdsError('DBClusterNotFoundFault', `${input.TargetDbClusterIdentifier} is not a member of ${global.id}`, 404);
    if (global.failover) throw rdsError('InvalidGlobalClusterStateFault', `a switchover or failover of ${global.id} is already in progress`);
    if (target === global.writer) throw rdsError('InvalidParameterValue', `${target} is already the writer of ${global.id}`);
    const now = this.clock.now().getTime();
    global.failover = { status: 'pending', to: target, allowDataLoss, startedAt: now, due: now + this.timings.globalFailoverMs };
    return { GlobalCluster: { GlobalClusterIdentifier: global.id } };
  }

  /** Snapshot timing: a manual snapshot takes 12 minutes, a cross-region copy 25. */
  static readonly SNAPSHOT_MS = 12 * MINUTE;
  static readonly COPY_MS = 25 * MINUTE;

  private toSnapshot(snapshot: FakeSnapshot): Record<string, unknown> {
    const instance = snapshot.kind === 'instance';
    const arn = `arn:aws:rds:${snapshot.region}:${FAKE_ACCOUNT}:${instance ? 'snapshot' : 'cluster-snapshot'}:${snapshot.id}`;
    const total = snapshot.sourceSnapshot ? FakeAws.COPY_MS : FakeAws.SNAPSHOT_MS;
    const progress = snapshot.status === 'available' ? 100 : Math.max(0, Math.min(99, Math.round(100 - ((snapshot.due - this.clock.now().getTime()) / total) * 100)));
    return instance
      ? { DBSnapshotIdentifier: snapshot.id, DBSnapshotArn: arn, DBInstanceIdentifier: snapshot.sourceId, SnapshotType: snapshot.type, Status: snapshot.status, SnapshotCreateTime: snapshot.createdAt, PercentProgress: progress, TagList: Object.entries(snapshot.tags).map(([Key, Value]) => ({ Key, Value })), ...(snapshot.kmsKeyId ? { KmsKeyId: snapshot.kmsKeyId } : {}) }
      : { DBClusterSnapshotIdentifier: snapshot.id, DBClusterSnapshotArn: arn, DBClusterIdentifier: snapshot.sourceId, SnapshotType: snapshot.type, Status: snapshot.status, SnapshotCreateTime: snapshot.createdAt, PercentProgress: progress, TagList: Object.entries(snapshot.tags).map(([Key, Value]) => ({ Key, Value })), ...(snapshot.kmsKeyId ? { KmsKeyId: snapshot.kmsKeyId } : {}) };
  }

  private describeSnapshots(kind: Kind, input: any, region: string) {
    const id = kind === 'instance' ? input.DBSnapshotIdentifier : input.DBClusterSnapshotIdentifier;
    const source = kind === 'instance' ? input.DBInstanceIdentifier : input.DBClusterIdentifier;
    const list = [...this.snapshots.values()].filter((snapshot) => snapshot.region === region && snapshot.kind === kind && (!id || snapshot.id === id) && (!source || snapshot.sourceId === source) && (!input.SnapshotType || snapshot.type === input.SnapshotType));
    if (id && list.length === 0) throw rdsError(kind === 'instance' ? 'DBSnapshotNotFound' : 'DBClusterSnapshotNotFoundFault', `snapshot ${id} not found`, 404);
    const { items, Marker } = this.page(list, input);
    return kind === 'instance' ? { DBSnapshots: items.map((item) => this.toSnapshot(item)), ...(Marker ? { Marker } : {}) } : { DBClusterSnapshots: items.map((item) => this.toSnapshot(item)), ...(Marker ? { Marker } : {}) };
  }

  private createSnapshot(kind: Kind, input: any, region: string) {
    const id = kind === 'instance' ? input.DBSnapshotIdentifier : input.DBClusterSnapshotIdentifier;
    const sourceId = kind === 'instance' ? input.DBInstanceIdentifier : input.DBClusterIdentifier;
    if (this.snapshots.has(`${region}/${id}`)) throw rdsError(kind === 'instance' ? 'DBSnapshotAlreadyExists' : 'DBClusterSnapshotAlreadyExistsFault', `snapshot ${id} already exists`);
    const source = (kind === 'instance' ? this.instances : this.clusters).get(sourceId);
    if (!source) throw rdsError(kind === 'instance' ? 'DBInstanceNotFoundFault' : 'DBClusterNotFoundFault', `${sourceId} not found`, 404);
    if (source.status !== 'available') throw rdsError(kind === 'instance' ? 'InvalidDBInstanceStateFault' : 'InvalidDBClusterStateFault', `${sourceId} is ${source.status}`);
    const now = this.clock.now().getTime();
    const snapshot: FakeSnapshot = { id, kind, sourceId, region, type: 'manual', status: 'creating', createdAt: new Date(now), due: now + FakeAws.SNAPSHOT_MS, tags: this.requestTags(input.Tags) };
    this.snapshots.set(`${region}/${id}`, snapshot);
    return kind === 'instance' ? { DBSnapshot: this.toSnapshot(snapshot) } : { DBClusterSnapshot: this.toSnapshot(snapshot) };
  }

  private copySnapshot(kind: Kind, input: any, region: string) {
    const sourceArn: string = kind === 'instance' ? input.SourceDBSnapshotIdentifier : input.SourceDBClusterSnapshotIdentifier;
    const id = kind === 'instance' ? input.TargetDBSnapshotIdentifier : input.TargetDBClusterSnapshotIdentifier;
    const key = `${region}/${id}`;
    if (this.snapshots.has(key)) throw rdsError(kind === 'instance' ? 'DBSnapshotAlreadyExists' : 'DBClusterSnapshotAlreadyExistsFault', `snapshot ${id} already exists`);
    // The source is named by ARN: arn:aws:rds:<region>:<account>:snapshot:<id>.
    const [, partition, , sourceRegion, , , sourceId] = sourceArn.split(':');
    // RDS refuses an ARN of another partition (arn:aws:... in China or GovCloud).
    const regionPartition = sourceRegion.startsWith('cn-') ? 'aws-cn' : sourceRegion.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
    if (partition !== regionPartition) throw rdsError('InvalidParameterValue', `${sourceArn} is not an ARN of the ${regionPartition} partition`);
    const source = this.snapshots.get(`${sourceRegion}/${sourceId}`);
    if (input.SourceRegion !== undefined && input.SourceRegion !== sourceRegion) throw rdsError('InvalidParameterValue', 'SourceRegion differs from the ARN');
    if (!source) throw rdsError(kind === 'instance' ? 'DBSnapshotNotFound' : 'DBClusterSnapshotNotFoundFault', `${sourceArn} not found`, 404);
    if (source.status !== 'available') throw rdsError(kind === 'instance' ? 'InvalidDBSnapshotState' : 'InvalidDBClusterSnapshotStateFault', `${source.id} is ${source.status}`);
    if (!input.KmsKeyId) throw rdsError('InvalidParameterCombination', 'a cross-region copy of an encrypted snapshot needs KmsKeyId in the destination region');
    const now = this.clock.now().getTime();
    const copy: FakeSnapshot = { id, kind, sourceId: source.sourceId, region, type: 'manual', status: 'creating', createdAt: new Date(now), due: now + FakeAws.COPY_MS, tags: input.CopyTags ? { ...source.tags, ...this.requestTags(input.Tags) } : this.requestTags(input.Tags), kmsKeyId: input.KmsKeyId, sourceSnapshot: sourceArn };
    this.snapshots.set(key, copy);
    return kind === 'instance' ? { DBSnapshot: this.toSnapshot(copy) } : { DBClusterSnapshot: this.toSnapshot(copy) };
  }

  private restoreFromSnapshot(kind: Kind, input: any, region: string) {
    const target = kind === 'instance' ? input.DBInstanceIdentifier : input.DBClusterIdentifier;
    const snapshotId = kind === 'instance' ? input.DBSnapshotIdentifier : input.SnapshotIdentifier;
    const resources = kind === 'instance' ? this.instances : this.clusters;
    if (resources.has(target)) throw rdsError(kind === 'instance' ? 'DBInstanceAlreadyExists' : 'DBClusterAlreadyExistsFault', `${target} already exists`);
    const snapshot = this.snapshots.get(`${region}/${snapshotId}`);
    if (!snapshot || snapshot.kind !== kind) throw rdsError(kind === 'instance' ? 'DBSnapshotNotFound' : 'DBClusterSnapshotNotFoundFault', `snapshot ${snapshotId} not found`, 404);
    if (snapshot.status !== 'available') throw rdsError(kind === 'instance' ? 'InvalidDBSnapshotState' : 'InvalidDBClusterSnapshotStateFault', `${snapshotId} is ${snapshot.status}`);
    const source = (kind === 'instance' ? this.instances : this.clusters).get(snapshot.sourceId);
    const resource = this.resource(kind, target, 'creating', source?.engine ?? input.Engine ?? 'postgres', this.requestTags(input.Tags), { input, managedSecret: false });
    resource.transition = {
      due: this.clock.now().getTime() + (kind === 'instance' ? this.timings.instanceRestoreMs : this.timings.clusterRestoreMs),
      to: this.restoreOutcomes.get(target) ?? 'available',
      events: [{ category: 'restoration', message: `Restored from snapshot ${snapshotId}` }],
    };
    resources.set(target, resource);
    return kind === 'instance' ? { DBInstance: this.toInstance(resource) } : { DBCluster: this.toCluster(resource) };
  }
}
