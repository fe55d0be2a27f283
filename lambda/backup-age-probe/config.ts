import { ConfigProblems, parseJson, REGION_HINT, REGION_PATTERN, parseEvidenceTarget, type EvidenceTarget } from '../shared/validate';

/** Environment variable holding the probe's JSON configuration. */
export const PROBE_CONFIG_VARIABLE = 'LIFEBOAT_PROBE_CONFIG';

/** An AWS Backup vault that holds recovery points of a store (the primary vault or its DR copy). */
export interface ProbeVault {
  readonly region: string;
  readonly vaultName: string;
}

/** One protected database. */
export interface ProbeStoreConfig {
  /** Stable store id, the `StoreId` dimension. */
  readonly storeId: string;
  /** RDS DB instance or Aurora DB cluster. */
  readonly kind: 'instance' | 'cluster';
  /** DB instance identifier or DB cluster identifier in `region`. */
  readonly identifier: string;
  /** Primary region of the database. */
  readonly region: string;
  /** DR region, when backups are replicated or copied there. */
  readonly drRegion?: string;
  /** Automated backups are replicated to `drRegion` (RDS cross-region automated backup replication; instances only). */
  readonly replicatedBackups?: boolean;
  /** AWS Backup vaults holding recovery points of this database. */
  readonly backupVaults?: readonly ProbeVault[];
  /** ARN of the database, as AWS Backup records it in `ResourceArn`. */
  readonly resourceArn: string;
}

export interface ProbeConfig {
  /** CloudWatch namespace, e.g. `Lifeboat`. */
  readonly namespace: string;
  /** The evidence bucket for the daily summaries. @default no summaries */
  readonly evidence?: EvidenceTarget;
  readonly stores: readonly ProbeStoreConfig[];
}

const IDENTIFIER = /^[a-zA-Z][a-zA-Z0-9-]{0,62}$/;
const VAULT_NAME = /^[a-zA-Z0-9_-]{2,50}$/;

/** Parses and validates `LIFEBOAT_PROBE_CONFIG`, reporting every problem at once. */
export function parseProbeConfig(text: string | undefined): ProbeConfig {
  const raw = parseJson(text, PROBE_CONFIG_VARIABLE);
  const check = new ConfigProblems();
  const root = check.object(raw, 'config');
  const namespace = check.string(root?.namespace, 'namespace');
  const evidence = root?.evidence === undefined ? undefined : parseEvidenceTarget(check, root.evidence, 'evidence');
  const seen = new Set<string>();
  const stores = check.array(root?.stores, 'stores').map((value, index): ProbeStoreConfig => {
    const path = `stores[${index}]`;
    const store = check.object(value, path) ?? {};
    const storeId = check.string(store.storeId, `${path}.storeId`);
    if (seen.has(storeId)) check.add(`${path}.storeId`, `duplicate store id ${storeId}`);
    seen.add(storeId);
    const kind = check.oneOf(store.kind, `${path}.kind`, ['instance', 'cluster'] as const);
    const region = check.string(store.region, `${path}.region`, REGION_PATTERN, REGION_HINT);
    const drRegion = check.optionalString(store.drRegion, `${path}.drRegion`, REGION_PATTERN, REGION_HINT);
    if (drRegion !== undefined && drRegion === region) check.add(`${path}.drRegion`, 'must differ from region');
    const replicatedBackups = store.replicatedBackups === undefined ? undefined : store.replicatedBackups === true;
    if (store.replicatedBackups !== undefined && typeof store.replicatedBackups !== 'boolean') {
      check.add(`${path}.replicatedBackups`, 'must be a boolean');
    }
    if (replicatedBackups && drRegion === undefined) check.add(`${path}.replicatedBackups`, 'needs drRegion');
    if (replicatedBackups && kind === 'cluster') {
      check.add(`${path}.replicatedBackups`, 'cross-region automated backup replication exists for DB instances only');
    }
    const backupVaults =
      store.backupVaults === undefined
        ? undefined
        : check.array(store.backupVaults, `${path}.backupVaults`).map((vaultValue, vaultIndex) => {
            const vaultPath = `${path}.backupVaults[${vaultIndex}]`;
            const vault = check.object(vaultValue, vaultPath) ?? {};
            const vaultRegion = check.string(vault.region, `${vaultPath}.region`, REGION_PATTERN, REGION_HINT);
            if (vaultRegion && vaultRegion !== region && vaultRegion !== drRegion) {
              check.add(`${vaultPath}.region`, `must be the store's region (${region}) or drRegion (${drRegion ?? 'unset'})`);
            }
            return {
              region: vaultRegion,
              vaultName: check.string(vault.vaultName, `${vaultPath}.vaultName`, VAULT_NAME, 'must be 2-50 letters, digits, - or _'),
            };
          });
    return {
      storeId,
      kind,
      identifier: check.string(store.identifier, `${path}.identifier`, IDENTIFIER, 'must be an RDS identifier'),
      region,
      drRegion,
      replicatedBackups,
      backupVaults,
      resourceArn: check.string(store.resourceArn, `${path}.resourceArn`, /^arn:[a-z-]+:rds:/, 'must be an RDS ARN'),
    };
  });
  check.throwIfAny(PROBE_CONFIG_VARIABLE);
  return { namespace, ...(evidence ? { evidence } : {}), stores };
}
