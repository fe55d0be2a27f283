import { BackupClient, ListRecoveryPointsByBackupVaultCommand } from '@aws-sdk/client-backup';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  DescribeDBClustersCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { RegionalClients, SDK_RETRY } from '../shared/clients';
import { DailySummaries } from '../shared/daily-summary';
import { EvidenceStore } from '../shared/evidence-store';
import { mapSettled } from '../shared/concurrency';
import { createLogger, Logger } from '../shared/log';
import { publishMetrics, RegionalMetric } from '../shared/metrics';
import { RetryOptions, withThrottlingRetry } from '../shared/retry';
import { HANDLER_VERSION } from '../shared/version';
import { parseProbeConfig, ProbeConfig, ProbeStoreConfig } from './config';
import { PROBE_EVIDENCE_PREFIX, probeSummaries, type ProbeSample } from './evidence';

/** Metric names published by the probe (namespace from the config; dimensions `StoreId`, `Region`). */
export const PROBE_METRICS = {
  /** Seconds between now and the latest time the database can be restored to: the RPO a restore would give now. */
  restorableLag: 'RestorableLagSeconds',
  /** Seconds since the newest usable snapshot or recovery point started. */
  backupAge: 'BackupAgeSeconds',
  /** 1 when the probe could not read a store in a region (its other metrics are then missing), else 0. */
  probeErrors: 'ProbeErrors',
} as const;

/** Stores probed at the same time; RDS describe APIs are rate-limited per account and region. */
export const STORE_CONCURRENCY = 4;
/** Pages of snapshots / recovery points read per store and region (100 each); bounds the cost of one run. */
export const MAX_PAGES = 20;

const USABLE_RECOVERY_POINT = new Set(['COMPLETED', 'AVAILABLE']);

export interface ProbeDependencies {
  /** Configuration; read from LIFEBOAT_PROBE_CONFIG on first use when absent. */
  readonly config?: ProbeConfig;
  readonly rds?: (region: string) => RDSClient;
  readonly backup?: (region: string) => BackupClient;
  readonly cloudwatch?: (region: string) => CloudWatchClient;
  /** S3 client of the evidence bucket's region. @default new S3Client with adaptive retries */
  readonly s3?: (region: string) => S3Client;
  readonly now?: () => Date;
  readonly retry?: RetryOptions;
  readonly logger?: Logger;
}

/** What one run did, returned for the Lambda's invocation record and for tests. */
export interface ProbeResult {
  readonly published: number;
  /** `storeId/region: message` for every read that failed. */
  readonly failures: string[];
}

interface RegionReading {
  readonly region: string;
  readonly lagSeconds?: number;
  readonly ageSeconds?: number;
  readonly error?: unknown;
}

/** Builds the handler; the exported `handler` uses real clients and the environment. */
export function createProbeHandler(deps: ProbeDependencies = {}): () => Promise<ProbeResult> {
  const rds = new RegionalClients(deps.rds ?? ((region) => new RDSClient({ region, ...SDK_RETRY })));
  const backup = new RegionalClients(deps.backup ?? ((region) => new BackupClient({ region, ...SDK_RETRY })));
  const cloudwatch = new RegionalClients(deps.cloudwatch ?? ((region) => new CloudWatchClient({ region, ...SDK_RETRY })));
  const now = deps.now ?? (() => new Date());
  const log = deps.logger ?? createLogger('backup-age-probe');
  let config = deps.config;
  const retry: RetryOptions = {
    ...deps.retry,
    onRetry: (error, attempt, delayMs) => log.warn('throttled', { error, attempt, delayMs }),
  };
  const call = <T>(operation: () => Promise<T>): Promise<T> => withThrottlingRetry(operation, retry);
  let summaries: DailySummaries<ProbeSample> | undefined;

  async function readPrimary(store: ProbeStoreConfig, at: Date): Promise<RegionReading> {
    const client = rds.get(store.region);
    let latestRestorable: Date | undefined;
    let created: Date | undefined;
    if (store.kind === 'instance') {
      const out = await call(() => client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: store.identifier })));
      const instance = out.DBInstances?.[0];
      latestRestorable = instance?.LatestRestorableTime;
      created = instance?.InstanceCreateTime;
    } else {
      const out = await call(() => client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: store.identifier })));
      const cluster = out.DBClusters?.[0];
      latestRestorable = cluster?.LatestRestorableTime;
      created = cluster?.ClusterCreateTime;
    }
    if (!latestRestorable) {
      throw new Error(`${store.identifier} has no LatestRestorableTime: automated backups are off or not started`);
    }
    const newest = latest([await newestSnapshot(store, client), ...(await newestInVaults(store, store.region))]);
    return {
      region: store.region,
      lagSeconds: secondsBetween(latestRestorable, at),
      // No backup at all yet: the database has been unprotected since it was created.
      ageSeconds: newest ? secondsBetween(newest, at) : created ? secondsBetween(created, at) : undefined,
    };
  }

  async function readDr(store: ProbeStoreConfig, drRegion: string, at: Date): Promise<RegionReading> {
    let lagSeconds: number | undefined;
    if (store.replicatedBackups) {
      const client = rds.get(drRegion);
      const latestTimes: Date[] = [];
      let marker: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const out = await call(() =>
          client.send(
            new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceIdentifier: store.identifier, MaxRecords: 100, Marker: marker }),
          ),
        );
        for (const backup of out.DBInstanceAutomatedBackups ?? []) {
          if (backup.RestoreWindow?.LatestTime) latestTimes.push(backup.RestoreWindow.LatestTime);
        }
        marker = out.Marker;
        if (!marker) break;
      }
      const newest = latest(latestTimes);
      if (!newest) throw new Error(`no replicated automated backup of ${store.identifier} in ${drRegion}`);
      lagSeconds = secondsBetween(newest, at);
    }
    const hasVault = (store.backupVaults ?? []).some((vault) => vault.region === drRegion);
    let ageSeconds: number | undefined;
    if (hasVault) {
      const newest = latest(await newestInVaults(store, drRegion));
      if (!newest) throw new Error(`no completed recovery point of ${store.identifier} in the ${drRegion} vault(s)`);
      ageSeconds = secondsBetween(newest, at);
    }
    return { region: drRegion, lagSeconds, ageSeconds };
  }

  async function newestSnapshot(store: ProbeStoreConfig, client: RDSClient): Promise<Date | undefined> {
    const times: Date[] = [];
    let marker: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      if (store.kind === 'instance') {
        const out = await call(() =>
          client.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: store.identifier, MaxRecords: 100, Marker: marker })),
        );
        for (const snapshot of out.DBSnapshots ?? []) {
          const time = snapshot.OriginalSnapshotCreateTime ?? snapshot.SnapshotCreateTime;
          if (snapshot.Status === 'available' && time) times.push(time);
        }
        marker = out.Marker;
      } else {
        const out = await call(() =>
          client.send(
            new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: store.identifier, MaxRecords: 100, Marker: marker }),
          ),
        );
        for (const snapshot of out.DBClusterSnapshots ?? []) {
          if (snapshot.Status === 'available' && snapshot.SnapshotCreateTime) times.push(snapshot.SnapshotCreateTime);
        }
        marker = out.Marker;
      }
      if (!marker) break;
    }
    return latest(times);
  }

  async function newestInVaults(store: ProbeStoreConfig, region: string): Promise<Date[]> {
    const times: Date[] = [];
    for (const vault of (store.backupVaults ?? []).filter((candidate) => candidate.region === region)) {
      const client = backup.get(region);
      let token: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const out = await call(() =>
          client.send(
            new ListRecoveryPointsByBackupVaultCommand({
              BackupVaultName: vault.vaultName,
              ByResourceArn: store.resourceArn,
              MaxResults: 100,
              NextToken: token,
            }),
          ),
        );
        for (const point of out.RecoveryPoints ?? []) {
          if (point.Status && USABLE_RECOVERY_POINT.has(point.Status) && point.CreationDate) times.push(point.CreationDate);
        }
        token = out.NextToken;
        if (!token) break;
      }
    }
    return times;
  }

  async function probeStore(store: ProbeStoreConfig, at: Date): Promise<RegionReading[]> {
    const reads: Promise<RegionReading>[] = [readPrimary(store, at)];
    const drWanted = store.drRegion && (store.replicatedBackups || (store.backupVaults ?? []).some((v) => v.region === store.drRegion));
    if (store.drRegion && drWanted) reads.push(readDr(store, store.drRegion, at));
    const regions = [store.region, ...(drWanted && store.drRegion ? [store.drRegion] : [])];
    const settled = await Promise.allSettled(reads);
    return settled.map((result, index) =>
      result.status === 'fulfilled' ? result.value : { region: regions[index], error: result.reason },
    );
  }

  return async () => {
    config ??= parseProbeConfig(process.env.LIFEBOAT_PROBE_CONFIG);
    const at = now();
    const metrics: RegionalMetric[] = [];
    const failures: string[] = [];
    const perStore = await mapSettled(config.stores, STORE_CONCURRENCY, (store) => probeStore(store, at));
    perStore.forEach((settled, index) => {
      const store = config!.stores[index];
      const readings: RegionReading[] =
        settled.status === 'fulfilled' ? settled.value : [{ region: store.region, error: settled.reason }];
      for (const reading of readings) {
        const dimensions = { StoreId: store.storeId, Region: reading.region };
        const metric = (name: string, value: number): RegionalMetric => ({
          region: reading.region,
          name,
          value,
          unit: name === PROBE_METRICS.probeErrors ? 'Count' : 'Seconds',
          dimensions,
          timestamp: at,
        });
        if (reading.error !== undefined) {
          // The age metrics stay missing, which their alarms treat as breaching; ProbeErrors says why.
          failures.push(`${store.storeId}/${reading.region}: ${errorMessage(reading.error)}`);
          log.error('store-unreadable', { storeId: store.storeId, region: reading.region, error: reading.error });
          metrics.push(metric(PROBE_METRICS.probeErrors, 1));
          continue;
        }
        if (reading.lagSeconds !== undefined) metrics.push(metric(PROBE_METRICS.restorableLag, reading.lagSeconds));
        if (reading.ageSeconds !== undefined) metrics.push(metric(PROBE_METRICS.backupAge, reading.ageSeconds));
        metrics.push(metric(PROBE_METRICS.probeErrors, 0));
        log.info('store-probed', {
          storeId: store.storeId,
          region: reading.region,
          restorableLagSeconds: reading.lagSeconds,
          backupAgeSeconds: reading.ageSeconds,
        });
      }
    });
    const publishFailures = await publishMetrics(cloudwatch, config.namespace, metrics, retry);
    for (const failure of publishFailures) {
      failures.push(`metrics/${failure.region}: ${errorMessage(failure.error)}`);
      log.error('metrics-not-published', { region: failure.region, error: failure.error });
    }
    const published = metrics.filter((metric) => !publishFailures.some((failure) => failure.region === metric.region)).length;
    if (config.evidence) {
      const target = config.evidence;
      summaries ??= new DailySummaries<ProbeSample>(
        new EvidenceStore((deps.s3 ?? ((region) => new S3Client({ region, ...SDK_RETRY })))(target.region), { ...target, prefix: PROBE_EVIDENCE_PREFIX }, retry),
        (day, samples) => probeSummaries(day, samples, HANDLER_VERSION, now()),
      );
      const sample: ProbeSample = {
        at: at.toISOString(),
        readings: perStore.flatMap((settled, index) => {
          const store = config!.stores[index];
          const readings: RegionReading[] = settled.status === 'fulfilled' ? settled.value : [{ region: store.region, error: settled.reason }];
          return readings.map((reading) => ({
            storeId: store.storeId,
            home: store.region,
            region: reading.region,
            ...(reading.lagSeconds !== undefined ? { lagSeconds: reading.lagSeconds } : {}),
            ...(reading.ageSeconds !== undefined ? { ageSeconds: reading.ageSeconds } : {}),
            error: reading.error !== undefined,
          }));
        }),
      };
      // Evidence is kept after the metrics, and a failure to keep it never hides them: it is reported and retried
      // by the next run (the day's summary is written by the first run that can).
      try {
        await summaries.addSample(at, sample);
        const written = await summaries.summarizePreviousDay(at);
        if (written.length > 0) log.info('daily-summaries-recorded', { stores: written.map((record) => record.store) });
      } catch (error) {
        failures.push(`evidence: ${errorMessage(error)}`);
        log.error('evidence-write-failed', { error });
      }
    }
    log.info('probe-finished', { stores: config.stores.length, published, failures: failures.length });
    return { published, failures };
  };
}

function latest(times: readonly (Date | undefined)[]): Date | undefined {
  let newest: Date | undefined;
  for (const time of times) if (time && (!newest || time.getTime() > newest.getTime())) newest = time;
  return newest;
}

/** Whole seconds from `from` to `to`, never negative (clock skew between AWS and the Lambda). */
function secondsBetween(from: Date, to: Date): number {
  return Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Lambda entry point (EventBridge schedule). */
export const handler = createProbeHandler();
