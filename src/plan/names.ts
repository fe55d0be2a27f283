/**
 * The planner's naming step: every physical name of every store and of what the stores share, computed once from
 * src/aws/names.ts, recorded in the plan, then checked against AWS's limits (src/aws/limits.ts) and for uniqueness
 * in each region. These checks run at plan time (not in the spec rules) because which resources exist, and so which
 * names must fit and differ, depends on what the planner decided: a DR replica, a vault, a global database.
 */
import { nameProblem, type NameKind } from '../aws/limits';
import { bucketNames, databaseNames, probeNames, replicaCheckNames, sharePrefix, stackNames, verificationNames, type DatabaseNames } from '../aws/names';
import type { BucketRequirement, DatabaseRequirement, Requirements } from '../spec/types';
import type { EvidencePlan } from './evidence';
import { jsonBytes } from './json-bytes';
import type { BucketNamesPlan, BucketStorePlan, DatabaseNamesPlan, DatabaseStorePlan, Finding, FunctionPlan, SharedNamesPlan, StorePlan } from './types';

/** What the earlier deciders chose that decides which database resources exist. */
export interface DatabaseNameInputs {
  aurora: boolean;
  /** Same-region replicas (RDS) or reader instances (Aurora), count. */
  readers: number;
  drStandby: boolean;
  secondaryInstances: number;
  globalRpo: boolean;
  awsBackup: boolean;
  verification: boolean;
}

/** The names a database store's resources get, from its `databaseNames` (computed once by the store planner). */
export function databaseStoreNames(db: DatabaseRequirement, n: DatabaseNames, inputs: DatabaseNameInputs): DatabaseNamesPlan {
  return resourceNames(n, db.existing?.identifier ?? null, inputs);
}

/**
 * Every physical name of one database store from its stack name, stable id, the identifier of an adopted database
 * (null when Lifeboat creates it) and what was decided to exist. The planner records the result in the plan; a
 * database construct used alone (without a plan) calls this with what its props ask for, so both paths name alike.
 */
export function databaseResourceNames(stackName: string, storeId: string, existingIdentifier: string | null, inputs: DatabaseNameInputs): DatabaseNamesPlan {
  return resourceNames(databaseNames(stackName, storeId), existingIdentifier, inputs);
}

function resourceNames(n: DatabaseNames, existingIdentifier: string | null, inputs: DatabaseNameInputs): DatabaseNamesPlan {
  const created = existingIdentifier === null;
  const replicas = numbered(inputs.readers, n.replica);
  return {
    primary: existingIdentifier ?? n.primary,
    dr: n.dr,
    finalSnapshot: n.finalSnapshot,
    globalCluster: n.globalCluster,
    verificationPrefix: n.verificationPrefix,
    subnetGroup: created ? n.subnetGroup : null,
    drSubnetGroup: inputs.drStandby ? n.drSubnetGroup : null,
    drFinalSnapshot: inputs.drStandby ? n.finalSnapshotOf(n.dr) : null,
    writerInstance: inputs.aurora && created ? n.primary : null,
    replicas,
    replicaFinalSnapshots: inputs.aurora ? [] : replicas.map(n.finalSnapshotOf),
    drReplicas: inputs.aurora && inputs.drStandby ? numbered(inputs.secondaryInstances, n.drReplica) : [],
    globalRpoParameterGroups: inputs.globalRpo ? { primary: n.globalRpoParameterGroup, dr: n.drGlobalRpoParameterGroup } : null,
    awsBackup: inputs.awsBackup ? { vault: n.backupVault, plan: n.backupPlan, role: n.backupRole, selection: n.backupSelection } : null,
    verificationRestore: inputs.verification
      ? { restored: n.verificationRestored, instance: inputs.aurora ? n.verificationClusterInstance : n.verificationRestored }
      : null,
  };
}

/** `name(1)` ... `name(count)`. */
function numbered(count: number, name: (n: number) => string): string[] {
  const names: string[] = [];
  for (let n = 1; n <= count; n++) names.push(name(n));
  return names;
}

export function bucketStoreNames(req: Requirements, bucket: BucketRequirement): BucketNamesPlan {
  const n = bucketNames(req.name, bucket.id, req.regions.primary, req.regions.dr);
  return { source: n.source, replica: n.replica, replicationRole: n.replicationRole };
}

// ---------------------------------------------------------------------------------------------------------------
// Functions: which stores each function serves, and its names
// ---------------------------------------------------------------------------------------------------------------

/** Environment bytes a function may fill with store configuration (Lambda's limit is 4,096 for all variables). */
const CONFIG_BUDGET_BYTES = 3_000;
/** Allowance per store for Terraform references (ARNs, security group ids) and options the plan does not carry. */
const REFERENCE_ALLOWANCE_BYTES = 200;

/**
 * Splits stores into consecutive shares whose configuration fits one function's environment, in plan order (stores
 * are sorted by id), so a share only changes when stores around it are added or removed.
 */
function shareBySize<T>(items: readonly T[], size: (item: T) => number): T[][] {
  const shares: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const itemBytes = size(item) + REFERENCE_ALLOWANCE_BYTES;
    if (current.length > 0 && bytes + itemBytes > CONFIG_BUDGET_BYTES) {
      shares.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += itemBytes;
  }
  if (current.length > 0) shares.push(current);
  return shares;
}

/** The part of a verified store's handler configuration the plan fixes (what constructs/from-plan/verification.ts renders). */
function verificationConfigBytes(store: DatabaseStorePlan): number {
  const v = store.verification!;
  return jsonBytes({
    storeId: store.id,
    kind: store.family === 'aurora' ? 'cluster' : 'instance',
    engine: store.engine,
    sourceIdentifier: store.existing?.identifier ?? store.names.primary,
    instanceClass: v.restoreInstanceClass,
    // The construct's defaults, the longer of each pair (`postgres`, a 4-digit port).
    databaseName: 'postgres',
    port: 5432,
    checks: v.checks,
    freshness: v.freshness,
    maxLifetimeSeconds: v.maxLifetime.seconds,
    identifierPrefix: v.instancePrefix,
    scheduleExpression: v.scheduleExpression,
    scheduleIntervalSeconds: v.interval.seconds,
  });
}

/** The part of a probed store's configuration the plan fixes (what constructs/from-plan/probes.ts renders). */
function probeConfigBytes(store: DatabaseStorePlan): number {
  return jsonBytes({
    storeId: store.id,
    kind: store.family === 'aurora' ? 'cluster' : 'instance',
    identifier: store.names.primary,
    replicatedBackups: store.crossRegionBackupReplication !== null,
    backupVaults: store.names.awsBackup ? [store.names.awsBackup.vault, store.names.awsBackup.vault] : [],
    resourceArn: `arn:aws:rds:xx-xxxxxxxxx-1:000000000000:cluster:${store.names.primary}`,
  });
}

function bucketConfigBytes(store: Extract<StorePlan, { kind: 'bucket' }>): number {
  return jsonBytes({ storeId: store.id, sourceBucket: store.names.source, replicaBucket: store.names.replica, minAgeSeconds: 604_800, sampleSize: 100 });
}

/** Construct id of the n-th function of a purpose: the first keeps the plain id. */
const shareId = (base: string, index: number) => (index === 0 ? base : `${base}-${index + 1}`);

export function functionPlans(req: Requirements, stores: readonly StorePlan[]): FunctionPlan[] {
  const databases = stores.filter((s): s is DatabaseStorePlan => s.kind === 'database');
  const buckets = stores.filter((s): s is Extract<StorePlan, { kind: 'bucket' }> => s.kind === 'bucket');
  const functions: FunctionPlan[] = [];
  for (const region of [req.regions.primary, req.regions.dr]) {
    const verified = databases.filter((s) => s.verification !== null && s.verification.region === region);
    shareBySize(verified, verificationConfigBytes).forEach((share, index) => {
      const prefix = sharePrefix(req.name, index);
      const n = verificationNames(prefix, region);
      const ruleNames: Record<string, string> = { 'rds-events': n.eventsRuleName, tick: n.tickRuleName };
      for (const store of share) ruleNames[`schedule:${store.id}`] = n.scheduleRuleName(store.id);
      functions.push({
        purpose: 'verification',
        id: shareId(`verification-${region}`, index),
        region,
        namePrefix: prefix,
        functionName: n.functionName,
        roleName: n.roleName,
        logGroupName: n.logGroupName,
        ruleNames,
        network: {
          subnetGroupName: n.subnetGroupName,
          functionSecurityGroupName: n.functionSecurityGroupName,
          restoredSecurityGroupName: n.restoredSecurityGroupName,
          endpointSecurityGroupName: n.endpointSecurityGroupName,
        },
        storeIds: share.map((s) => s.id),
      });
    });
  }
  const region = req.regions.primary;
  shareBySize(databases, probeConfigBytes).forEach((share, index) => {
    const prefix = sharePrefix(req.name, index);
    const n = probeNames(prefix, region);
    functions.push({
      purpose: 'backup-age-probe',
      id: shareId('backup-age-probe', index),
      region,
      namePrefix: prefix,
      functionName: n.functionName,
      roleName: n.roleName,
      logGroupName: n.logGroupName,
      ruleNames: { schedule: n.ruleName },
      network: null,
      storeIds: share.map((s) => s.id),
    });
  });
  shareBySize(buckets, bucketConfigBytes).forEach((share, index) => {
    const prefix = sharePrefix(req.name, index);
    const n = replicaCheckNames(prefix, region);
    functions.push({
      purpose: 'replica-check',
      id: shareId('replication-check', index),
      region,
      namePrefix: prefix,
      functionName: n.functionName,
      roleName: n.roleName,
      logGroupName: n.logGroupName,
      ruleNames: { schedule: n.ruleName },
      network: null,
      storeIds: share.map((s) => s.id),
    });
  });
  return functions;
}

export function sharedNames(req: Requirements, stores: readonly StorePlan[]): SharedNamesPlan {
  const regions = [req.regions.primary, req.regions.dr];
  const keys: SharedNamesPlan['keys'] = [];
  if (stores.some((s) => s.kind === 'database')) {
    for (const region of regions) keys.push({ purpose: 'rds', region, alias: stackNames.databaseKeyAlias(req.name, region) });
  }
  if (stores.some((s) => s.kind === 'bucket')) {
    for (const region of regions) keys.push({ purpose: 's3', region, alias: stackNames.bucketKeyAlias(req.name, region) });
  }
  return {
    dashboardName: stackNames.dashboard(req.name),
    alertTopics: regions.map((region) => ({ region, topicName: stackNames.alertTopic(req.name, region), keyAlias: stackNames.alertKeyAlias(req.name, region) })),
    keys,
    functions: functionPlans(req, stores),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Checks: AWS limits and uniqueness per region
// ---------------------------------------------------------------------------------------------------------------

/**
 * Where the listing below sends each name the plan creates: its AWS naming rule, namespace (names must differ within
 * one namespace and region; RDS instances and clusters are separate namespaces), region (`global` for IAM, S3 and
 * global clusters), and what it is for. `owner` says whose names come next: a store (`path` is its spec path) or the
 * plan itself (`name`).
 */
interface NameListener {
  owner(path: string, store: string | null): void;
  /** One name; a null name is a resource the plan does not create. */
  add(kind: NameKind, namespace: string, region: string, name: string | null, what: string): void;
}

type NameUses = Pick<NameListener, 'add'>;

function databaseUses(req: Requirements, store: DatabaseStorePlan, uses: NameUses): void {
  const { primary, dr } = req.regions;
  const n = store.names;
  const aurora = store.family === 'aurora';
  if (!store.existing) {
    uses.add('rdsIdentifier', aurora ? 'db-cluster' : 'db-instance', primary, n.primary, aurora ? 'the cluster' : 'the instance');
    uses.add('rdsIdentifier', 'db-snapshot', primary, n.finalSnapshot, 'the final snapshot');
  }
  uses.add('rdsIdentifier', 'db-instance', primary, n.writerInstance, 'the writer instance');
  uses.add('dbSubnetGroup', 'db-subnet-group', primary, n.subnetGroup, 'the DB subnet group');
  n.replicas.forEach((name, i) => uses.add('rdsIdentifier', 'db-instance', primary, name, `${aurora ? 'reader instance' : 'read replica'} ${i + 1}`));
  n.replicaFinalSnapshots.forEach((name, i) => uses.add('rdsIdentifier', 'db-snapshot', primary, name, `the final snapshot of read replica ${i + 1}`));
  const drStandby = store.readReplicas.some((r) => r.regionRole === 'dr') || store.globalDatabase !== null;
  if (drStandby) {
    uses.add('rdsIdentifier', aurora ? 'db-cluster' : 'db-instance', dr, n.dr, aurora ? 'the secondary cluster' : 'the DR read replica');
    uses.add('rdsIdentifier', 'db-snapshot', dr, n.drFinalSnapshot, 'the final snapshot of the DR standby');
    uses.add('dbSubnetGroup', 'db-subnet-group', dr, n.drSubnetGroup, 'the DR DB subnet group');
  }
  n.drReplicas.forEach((name, i) => uses.add('rdsIdentifier', 'db-instance', dr, name, `secondary reader instance ${i + 1}`));
  if (store.globalDatabase) uses.add('globalCluster', 'global-cluster', 'global', n.globalCluster, 'the global cluster');
  if (n.globalRpoParameterGroups) {
    uses.add('dbParameterGroup', 'db-parameter-group', primary, n.globalRpoParameterGroups.primary, 'the rds.global_db_rpo parameter group');
    uses.add('dbParameterGroup', 'db-parameter-group', dr, n.globalRpoParameterGroups.dr, 'the DR rds.global_db_rpo parameter group');
  }
  if (n.awsBackup) {
    uses.add('backupVault', 'backup-vault', primary, n.awsBackup.vault, 'the AWS Backup vault');
    if (store.awsBackup?.rules.some((r) => r.copyToDr)) uses.add('backupVault', 'backup-vault', dr, n.awsBackup.vault, 'the AWS Backup copy vault');
    uses.add('backupPlan', 'backup-plan', primary, n.awsBackup.plan, 'the AWS Backup plan');
    uses.add('iamRole', 'iam-role', 'global', n.awsBackup.role, 'the AWS Backup service role');
    for (const rule of store.awsBackup?.rules ?? []) uses.add('backupRule', `backup-rule:${n.awsBackup.plan}`, primary, rule.name, 'an AWS Backup rule');
  }
  if (store.verification && n.verificationRestore) {
    const region = store.verification.region;
    uses.add('rdsIdentifier', aurora ? 'db-cluster' : 'db-instance', region, n.verificationRestore.restored, 'the verification restore');
    if (aurora) uses.add('rdsIdentifier', 'db-instance', region, n.verificationRestore.instance, 'the verification restore instance');
  }
}

function bucketUses(store: BucketStorePlan, uses: NameUses): void {
  uses.add('bucket', 's3-bucket', 'global', store.names.source, 'the source bucket');
  uses.add('bucket', 's3-bucket', 'global', store.names.replica, 'the replica bucket');
  uses.add('iamRole', 'iam-role', 'global', store.names.replicationRole, 'the replication role');
}

function storeUses(req: Requirements, stores: readonly StorePlan[], listener: NameListener): void {
  const dbIndex = new Map(req.databases.map((db, i) => [db.id, i]));
  const bucketIndex = new Map(req.buckets.map((b, i) => [b.id, i]));
  for (const store of stores) {
    listener.owner(store.kind === 'database' ? `databases.${dbIndex.get(store.id)}.id` : `buckets.${bucketIndex.get(store.id)}.id`, store.id);
    if (store.kind === 'database') databaseUses(req, store, listener);
    else bucketUses(store, listener);
    for (const alarm of store.alarms) listener.add('alarm', 'alarm', alarm.region, alarm.alarmName, `the ${alarm.id} alarm`);
  }
}

function evidenceUses(evidence: EvidencePlan, uses: NameUses): void {
  uses.add('bucket', 's3-bucket', 'global', evidence.bucketName, 'the evidence bucket');
  uses.add('bucket', 's3-bucket', 'global', evidence.replicaBucketName, 'the evidence replica bucket');
  for (const alarm of evidence.alarms) uses.add('alarm', 'alarm', alarm.region, alarm.alarmName, `the evidence ${alarm.id} alarm`);
}

function sharedUses(shared: SharedNamesPlan, uses: NameUses): void {
  uses.add('dashboard', 'dashboard', 'global', shared.dashboardName, 'the recovery dashboard');
  for (const topic of shared.alertTopics) {
    uses.add('snsTopic', 'sns-topic', topic.region, topic.topicName, 'the alert topic');
    uses.add('kmsAlias', 'kms-alias', topic.region, topic.keyAlias, 'the alert topic key alias');
  }
  for (const key of shared.keys) uses.add('kmsAlias', 'kms-alias', key.region, key.alias, `the ${key.purpose} key alias`);
  for (const fn of shared.functions) {
    const what = `the ${fn.purpose} function${fn.namePrefix.length > 0 ? ` ${fn.id}` : ''}`;
    uses.add('lambdaFunction', 'lambda', fn.region, fn.functionName, what);
    uses.add('iamRole', 'iam-role', 'global', fn.roleName, `the role of ${what}`);
    uses.add('logGroup', 'log-group', fn.region, fn.logGroupName, `the log group of ${what}`);
    for (const [purpose, name] of Object.entries(fn.ruleNames)) uses.add('eventRule', 'event-rule', fn.region, name, `the ${purpose} rule of ${what}`);
    if (fn.network) {
      uses.add('dbSubnetGroup', 'db-subnet-group', fn.region, fn.network.subnetGroupName, `the DB subnet group of ${what}`);
      uses.add('securityGroup', 'security-group', fn.region, fn.network.functionSecurityGroupName, `a security group of ${what}`);
      uses.add('securityGroup', 'security-group', fn.region, fn.network.restoredSecurityGroupName, `a security group of ${what}`);
      uses.add('securityGroup', 'security-group', fn.region, fn.network.endpointSecurityGroupName, `a security group of ${what}`);
    }
  }
}

/** Every name the plan creates, in a fixed order: shared names, then the evidence bucket's, then the stores' in plan order. */
function listNames(req: Requirements, stores: readonly StorePlan[], shared: SharedNamesPlan, evidence: EvidencePlan, listener: NameListener): void {
  listener.owner('name', null);
  sharedUses(shared, listener);
  evidenceUses(evidence, listener);
  storeUses(req, stores, listener);
}

/**
 * Error findings for names that break an AWS limit, and for two resources that would share a name in one region
 * (AWS rejects the second at apply time). Messages start with the spec path to change; a collision names the later
 * use and the one that came first in the listing order.
 */
export function nameFindings(req: Requirements, stores: readonly StorePlan[], shared: SharedNamesPlan, evidence: EvidencePlan): Finding[] {
  const check = new NameCheck();
  listNames(req, stores, shared, evidence, check);
  const repeated = check.repeatedNames();
  if (repeated.length === 0) return check.invalid;
  // Rare (the plan is in error): list the names again to find who uses each repeated name, first use first.
  const collisions = new Collisions(repeated);
  listNames(req, stores, shared, evidence, collisions);
  return [...check.invalid, ...collisions.findings];
}

/**
 * Pass one: each name against its AWS limit as it is listed, and into the list of its namespace and region; then
 * each list into a set, one after another, to find the names listed twice. Only the names are kept (a plan has
 * hundreds of thousands), and filling one set at a time keeps each in the processor's cache longer than adding
 * every name to its own set as it comes.
 */
class NameCheck implements NameListener {
  readonly invalid: Finding[] = [];
  private readonly names = new NamesByNamespace<string[]>(() => []);
  private path = 'name';
  private store: string | null = null;

  owner(path: string, store: string | null): void {
    this.path = path;
    this.store = store;
  }

  add(kind: NameKind, namespace: string, region: string, name: string | null, what: string): void {
    if (name === null) return;
    const problem = nameProblem(kind, name);
    if (problem) {
      this.invalid.push({
        severity: 'error',
        code: 'LB-NAME-INVALID',
        store: this.store,
        scope: null,
        message: `${this.path}: ${problem} (${what})`,
        fix: `shorten or change ${this.path === 'name' ? 'name' : `name or ${this.path}`} (physical names are built from them)`,
      });
    }
    this.names.get(namespace, region).push(name);
  }

  /** The names listed more than once in one namespace and region. */
  repeatedNames(): RepeatedName[] {
    const repeated: RepeatedName[] = [];
    this.names.forEach((namespace, region, names) => {
      const seen = new Set<string>();
      // An index, not for-of: this loop runs once per namespace over up to tens of thousands of names, mostly
      // before V8 optimizes it, and each step of an unoptimized for-of allocates an iterator result.
      for (let i = 0; i < names.length; i += 1) {
        const before = seen.size;
        if (seen.add(names[i]).size === before) repeated.push({ namespace, region, name: names[i] });
      }
    });
    return repeated;
  }
}

interface RepeatedName {
  namespace: string;
  region: string;
  name: string;
}

/** One use of a repeated name. */
interface NameUse extends RepeatedName {
  path: string;
  store: string | null;
  what: string;
}

/** Pass two, for repeated names only: a collision finding for every use after the first. */
class Collisions implements NameListener {
  readonly findings: Finding[] = [];
  private readonly first = new NamesByNamespace<Map<string, NameUse | null>>(() => new Map());
  private path = 'name';
  private store: string | null = null;

  constructor(repeated: readonly RepeatedName[]) {
    for (const { namespace, region, name } of repeated) this.first.get(namespace, region).set(name, null);
  }

  owner(path: string, store: string | null): void {
    this.path = path;
    this.store = store;
  }

  add(_kind: NameKind, namespace: string, region: string, name: string | null, what: string): void {
    if (name === null) return;
    const byName = this.first.get(namespace, region);
    const earlier = byName.get(name);
    if (earlier === undefined) return; // used once
    const use = { namespace, region, name, path: this.path, store: this.store, what };
    if (earlier === null) byName.set(name, use);
    else this.findings.push(collisionFinding(use, earlier));
  }
}

/**
 * One collection per namespace and region, in nested maps rather than one map keyed by the two joined: a plan has a
 * few namespaces and regions, and a joined key per name would be a new string to build and hash.
 */
class NamesByNamespace<T> {
  private readonly byNamespace = new Map<string, Map<string, T>>();

  constructor(private readonly create: () => T) {}

  get(namespace: string, region: string): T {
    let byRegion = this.byNamespace.get(namespace);
    if (!byRegion) this.byNamespace.set(namespace, (byRegion = new Map()));
    let names = byRegion.get(region);
    if (!names) byRegion.set(region, (names = this.create()));
    return names;
  }

  forEach(visit: (namespace: string, region: string, names: T) => void): void {
    for (const [namespace, byRegion] of this.byNamespace) for (const [region, names] of byRegion) visit(namespace, region, names);
  }
}

function collisionFinding(use: NameUse, earlier: NameUse): Finding {
  const where = use.region === 'global' ? '' : ` in ${use.region}`;
  return {
    severity: 'error',
    code: 'LB-NAME-COLLISION',
    store: use.store,
    scope: null,
    message: `${use.path}: "${use.name}"${where} is both ${use.what}${use.store ? ` of ${use.store}` : ''} and ${earlier.what}${earlier.store ? ` of ${earlier.store}` : ''} (${earlier.path})`,
    fix: 'rename one of the stores: ids become part of physical names, and AWS allows each name once per region',
  };
}
