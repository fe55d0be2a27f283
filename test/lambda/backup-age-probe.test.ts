import { BackupClient, ListRecoveryPointsByBackupVaultCommand } from '@aws-sdk/client-backup';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeDBClustersCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { createProbeHandler, ProbeResult } from '../../lambda/backup-age-probe/index';
import { parseProbeConfig, ProbeConfig } from '../../lambda/backup-age-probe/config';
import { createLogger } from '../../lambda/shared/log';
import { withThrottlingRetry } from '../../lambda/shared/retry';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { parseEvidenceJson, parseEvidenceKey } from '../../src/evidence/record';
import { FakeEvidenceBucket } from '../support/fake-evidence-bucket';

const NOW = new Date('2026-03-01T12:00:00Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);


interface Snapshot {
  id: string;
  status: string;
  created: Date;
}

/** AWS state of one region as far as the probe can see it. */
interface RegionState {
  instances: Record<string, { latestRestorable?: Date; created: Date; snapshots: Snapshot[] }>;
  clusters: Record<string, { latestRestorable?: Date; created: Date; snapshots: Snapshot[] }>;
  automatedBackups: { identifier: string; latest?: Date; status: string }[];
  vaults: Record<string, { resourceArn: string; status: string; created: Date }[]>;
}

/** A stateful fake of RDS, AWS Backup and CloudWatch across regions, with per-call fault injection. */
class FakeAws {
  readonly regions: Record<string, RegionState> = {};
  readonly metrics: { region: string; namespace: string; name: string; value: number; dimensions: Record<string, string> }[] = [];
  readonly calls: { command: string; region: string; input: any }[] = [];
  /** Return an error to throw it instead of answering. */
  fault: (command: string, region: string, input: any) => Error | undefined = () => undefined;

  region(name: string): RegionState {
    return (this.regions[name] ??= { instances: {}, clusters: {}, automatedBackups: [], vaults: {} });
  }

  private readonly clients = new Map<string, unknown>();

  /** Per-region clients, each mocked on its own instance so concurrent calls in different regions never mix. */
  rdsClient = (region: string): RDSClient => this.client('rds', region, () => new RDSClient({ region }));
  backupClient = (region: string): BackupClient => this.client('backup', region, () => new BackupClient({ region }));
  cloudwatchClient = (region: string): CloudWatchClient => this.client('cloudwatch', region, () => new CloudWatchClient({ region }));

  private client<C extends RDSClient | BackupClient | CloudWatchClient>(service: string, region: string, create: () => C): C {
    const id = `${service}/${region}`;
    if (!this.clients.has(id)) {
      const client = create();
      this.clients.set(id, client);
      this.install(client, region);
    }
    return this.clients.get(id) as C;
  }

  private install(client: RDSClient | BackupClient | CloudWatchClient, clientRegion: string): void {
    const wrap = (command: string, answer: (region: string, input: any) => unknown) => (input: any) => {
      this.calls.push({ command, region: clientRegion, input });
      const error = this.fault(command, clientRegion, input);
      if (error) throw error;
      return answer(clientRegion, input);
    };
    if (client instanceof CloudWatchClient) {
      mockClient(client).on(PutMetricDataCommand).callsFake(
        wrap('PutMetricData', (region, input) => {
          for (const datum of input.MetricData) {
            this.metrics.push({
              region,
              namespace: input.Namespace,
              name: datum.MetricName,
              value: datum.Value,
              dimensions: Object.fromEntries(datum.Dimensions.map((d: any) => [d.Name, d.Value])),
            });
          }
          return {};
        }),
      );
      return;
    }
    if (client instanceof BackupClient) {
      mockClient(client).on(ListRecoveryPointsByBackupVaultCommand).callsFake(
        wrap('ListRecoveryPointsByBackupVault', (region, input) => {
          const vault = this.region(region).vaults[input.BackupVaultName];
          if (!vault) throw awsError('ResourceNotFoundException', `vault ${input.BackupVaultName} not found`);
          const points = vault.filter((p) => !input.ByResourceArn || p.resourceArn === input.ByResourceArn);
          const page = paginate(points, input.NextToken, input.MaxResults);
          return {
            RecoveryPoints: page.items.map((p) => ({ ResourceArn: p.resourceArn, Status: p.status, CreationDate: p.created })),
            NextToken: page.next,
          };
        }),
      );
      return;
    }
    const rdsMock = mockClient(client);
    rdsMock.on(DescribeDBInstancesCommand).callsFake(
      wrap('DescribeDBInstances', (region, input) => {
        const instance = this.region(region).instances[input.DBInstanceIdentifier];
        if (!instance) throw awsError('DBInstanceNotFoundFault', `DBInstance ${input.DBInstanceIdentifier} not found.`);
        return {
          DBInstances: [
            { DBInstanceIdentifier: input.DBInstanceIdentifier, LatestRestorableTime: instance.latestRestorable, InstanceCreateTime: instance.created },
          ],
        };
      }),
    );
    rdsMock.on(DescribeDBClustersCommand).callsFake(
      wrap('DescribeDBClusters', (region, input) => {
        const cluster = this.region(region).clusters[input.DBClusterIdentifier];
        if (!cluster) throw awsError('DBClusterNotFoundFault', `DBCluster ${input.DBClusterIdentifier} not found.`);
        return { DBClusters: [{ LatestRestorableTime: cluster.latestRestorable, ClusterCreateTime: cluster.created }] };
      }),
    );
    rdsMock.on(DescribeDBSnapshotsCommand).callsFake(
      wrap('DescribeDBSnapshots', (region, input) => {
        const snapshots = this.region(region).instances[input.DBInstanceIdentifier]?.snapshots ?? [];
        const page = paginate(snapshots, input.Marker, input.MaxRecords);
        return {
          DBSnapshots: page.items.map((s) => ({ DBSnapshotIdentifier: s.id, Status: s.status, SnapshotCreateTime: s.created })),
          Marker: page.next,
        };
      }),
    );
    rdsMock.on(DescribeDBClusterSnapshotsCommand).callsFake(
      wrap('DescribeDBClusterSnapshots', (region, input) => {
        const snapshots = this.region(region).clusters[input.DBClusterIdentifier]?.snapshots ?? [];
        const page = paginate(snapshots, input.Marker, input.MaxRecords);
        return {
          DBClusterSnapshots: page.items.map((s) => ({ DBClusterSnapshotIdentifier: s.id, Status: s.status, SnapshotCreateTime: s.created })),
          Marker: page.next,
        };
      }),
    );
    rdsMock.on(DescribeDBInstanceAutomatedBackupsCommand).callsFake(
      wrap('DescribeDBInstanceAutomatedBackups', (region, input) => ({
        DBInstanceAutomatedBackups: this.region(region)
          .automatedBackups.filter((b) => b.identifier === input.DBInstanceIdentifier)
          .map((b) => ({ DBInstanceIdentifier: b.identifier, Status: b.status, RestoreWindow: b.latest ? { LatestTime: b.latest } : undefined })),
      })),
    );
  }

  /** `name[StoreId/Region]@cloudwatchRegion = value`, sorted: the exact set of published datapoints. */
  publishedMetrics(): string[] {
    return this.metrics
      .map((m) => `${m.name}[${m.dimensions.StoreId}/${m.dimensions.Region}]@${m.region}=${m.value}`)
      .sort();
  }
}

function paginate<T>(items: T[], marker: string | undefined, size = 100): { items: T[]; next?: string } {
  const start = marker ? Number(marker) : 0;
  const end = start + Math.min(size, 2);
  return { items: items.slice(start, end), next: end < items.length ? String(end) : undefined };
}

function awsError(name: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

const ORDERS_ARN = 'arn:aws:rds:eu-west-1:111122223333:db:shop-orders';
const LEDGER_ARN = 'arn:aws:rds:eu-west-1:111122223333:cluster:shop-ledger';

const config: ProbeConfig = {
  namespace: 'Lifeboat',
  stores: [
    {
      storeId: 'orders',
      kind: 'instance',
      identifier: 'shop-orders',
      region: 'eu-west-1',
      drRegion: 'eu-central-1',
      replicatedBackups: true,
      backupVaults: [{ region: 'eu-central-1', vaultName: 'shop-orders' }],
      resourceArn: ORDERS_ARN,
    },
    {
      storeId: 'ledger',
      kind: 'cluster',
      identifier: 'shop-ledger',
      region: 'eu-west-1',
      backupVaults: [{ region: 'eu-west-1', vaultName: 'shop-ledger' }],
      resourceArn: LEDGER_ARN,
    },
  ],
};

let aws: FakeAws;
let logLines: string[];

function seed(fake: FakeAws): void {
  const primary = fake.region('eu-west-1');
  primary.instances['shop-orders'] = {
    latestRestorable: ago(240),
    created: ago(90 * 86400),
    snapshots: [
      { id: 'rds:shop-orders-1', status: 'available', created: ago(2 * 86400) },
      { id: 'rds:shop-orders-2', status: 'available', created: ago(86400 + 600) },
      { id: 'manual-old', status: 'available', created: ago(30 * 86400) },
      // Newest, but still being taken: not a usable backup yet.
      { id: 'rds:shop-orders-3', status: 'creating', created: ago(60) },
    ],
  };
  primary.clusters['shop-ledger'] = {
    latestRestorable: ago(30),
    created: ago(10 * 86400),
    snapshots: [{ id: 'rds:shop-ledger-1', status: 'available', created: ago(20 * 3600) }],
  };
  primary.vaults['shop-ledger'] = [
    { resourceArn: LEDGER_ARN, status: 'COMPLETED', created: ago(3 * 3600) },
    { resourceArn: LEDGER_ARN, status: 'PARTIAL', created: ago(600) },
    { resourceArn: ORDERS_ARN, status: 'COMPLETED', created: ago(10) },
  ];
  const dr = fake.region('eu-central-1');
  dr.automatedBackups.push({ identifier: 'shop-orders', latest: ago(420), status: 'replicating' });
  dr.vaults['shop-orders'] = [
    { resourceArn: ORDERS_ARN, status: 'COMPLETED', created: ago(5 * 3600) },
    { resourceArn: ORDERS_ARN, status: 'AVAILABLE', created: ago(4 * 3600) },
  ];
}

function probe(overrides: { config?: ProbeConfig } = {}): Promise<ProbeResult> {
  return createProbeHandler({
    config: overrides.config ?? config,
    rds: aws.rdsClient,
    backup: aws.backupClient,
    cloudwatch: aws.cloudwatchClient,
    now: () => NOW,
    retry: { sleep: async () => undefined },
    logger: {
      debug: (event, fields) => logLines.push(JSON.stringify({ event, ...fields })),
      info: (event, fields) => logLines.push(JSON.stringify({ event, ...fields })),
      warn: (event, fields) => logLines.push(JSON.stringify({ event, ...fields })),
      error: (event, fields) => logLines.push(JSON.stringify({ event, ...fields })),
    },
  })();
}

const HEALTHY = [
  'BackupAgeSeconds[ledger/eu-west-1]@eu-west-1=10800',
  'BackupAgeSeconds[orders/eu-central-1]@eu-central-1=14400',
  'BackupAgeSeconds[orders/eu-west-1]@eu-west-1=87000',
  'ProbeErrors[ledger/eu-west-1]@eu-west-1=0',
  'ProbeErrors[orders/eu-central-1]@eu-central-1=0',
  'ProbeErrors[orders/eu-west-1]@eu-west-1=0',
  'RestorableLagSeconds[ledger/eu-west-1]@eu-west-1=30',
  'RestorableLagSeconds[orders/eu-central-1]@eu-central-1=420',
  'RestorableLagSeconds[orders/eu-west-1]@eu-west-1=240',
];

beforeEach(() => {
  aws = new FakeAws();
  seed(aws);
  logLines = [];
});

describe('backup-age-probe', () => {
  it('publishes restorable lag and backup age per store and region, into that region, from usable backups only', async () => {
    const result = await probe();
    expect(result.failures).toEqual([]);
    expect(aws.publishedMetrics()).toEqual(HEALTHY);
    expect(new Set(aws.metrics.map((m) => m.namespace))).toEqual(new Set(['Lifeboat']));
  });

  it('reads every snapshot page to find the newest one', async () => {
    // The fake pages by 2: the newest available snapshot is on the second page.
    aws.region('eu-west-1').instances['shop-orders'].snapshots.push({ id: 'manual-newest', status: 'available', created: ago(3600) });
    await probe();
    expect(aws.publishedMetrics()).toContain('BackupAgeSeconds[orders/eu-west-1]@eu-west-1=3600');
    expect(aws.calls.filter((c) => c.command === 'DescribeDBSnapshots').length).toBe(3);
  });

  it('reports a store it cannot read through ProbeErrors and missing age metrics, and still publishes the others', async () => {
    delete aws.region('eu-west-1').instances['shop-orders'];
    const result = await probe();
    expect(result.failures).toEqual([expect.stringMatching(/^orders\/eu-west-1: DBInstanceNotFoundFault/)]);
    expect(aws.publishedMetrics()).toEqual([
      'BackupAgeSeconds[ledger/eu-west-1]@eu-west-1=10800',
      'BackupAgeSeconds[orders/eu-central-1]@eu-central-1=14400',
      'ProbeErrors[ledger/eu-west-1]@eu-west-1=0',
      'ProbeErrors[orders/eu-central-1]@eu-central-1=0',
      'ProbeErrors[orders/eu-west-1]@eu-west-1=1',
      'RestorableLagSeconds[ledger/eu-west-1]@eu-west-1=30',
      'RestorableLagSeconds[orders/eu-central-1]@eu-central-1=420',
    ]);
    expect(logLines.some((line) => JSON.parse(line).event === 'store-unreadable')).toBe(true);
  });

  it('treats a database without a restorable time (automated backups off) as unreadable, not as fresh', async () => {
    aws.region('eu-west-1').clusters['shop-ledger'].latestRestorable = undefined;
    const result = await probe();
    expect(result.failures).toEqual([expect.stringContaining('ledger/eu-west-1: Error: shop-ledger has no LatestRestorableTime')]);
    expect(aws.publishedMetrics().filter((m) => m.includes('ledger'))).toEqual(['ProbeErrors[ledger/eu-west-1]@eu-west-1=1']);
  });

  it('keeps the primary metrics when only the DR region fails', async () => {
    aws.fault = (_command, region) => (region === 'eu-central-1' ? awsError('InternalFailure', 'boom', 500) : undefined);
    const result = await probe();
    expect(result.failures).toEqual(['orders/eu-central-1: InternalFailure: boom', 'metrics/eu-central-1: InternalFailure: boom']);
    expect(aws.publishedMetrics()).toEqual(HEALTHY.filter((m) => !m.includes('eu-central-1')));
  });

  it('retries throttled calls and publishes the same figures', async () => {
    let throttled = 0;
    aws.fault = (command) => {
      if (command !== 'PutMetricData' && throttled < 6) {
        throttled++;
        return awsError('ThrottlingException', 'Rate exceeded');
      }
      return undefined;
    };
    const result = await probe();
    expect(throttled).toBe(6);
    expect(result.failures).toEqual([]);
    expect(aws.publishedMetrics()).toEqual(HEALTHY);
    expect(logLines.filter((line) => JSON.parse(line).event === 'throttled')).toHaveLength(6);
  });

  it('gives up on a store throttled past the retry budget without losing the others', async () => {
    aws.fault = (command, _region, input) =>
      command === 'DescribeDBClusters' && input.DBClusterIdentifier === 'shop-ledger' ? awsError('Throttling', 'Rate exceeded') : undefined;
    const result = await probe();
    expect(result.failures).toEqual(['ledger/eu-west-1: Throttling: Rate exceeded']);
    expect(aws.calls.filter((c) => c.command === 'DescribeDBClusters')).toHaveLength(5);
    expect(aws.publishedMetrics()).toEqual([
      ...HEALTHY.filter((m) => !m.includes('ledger')),
      'ProbeErrors[ledger/eu-west-1]@eu-west-1=1',
    ].sort());
  });

  it('measures a database that was never backed up from its creation time', async () => {
    const fresh = aws.region('eu-west-1');
    fresh.instances['shop-new'] = { latestRestorable: ago(100), created: ago(7200), snapshots: [] };
    await probe({
      config: {
        namespace: 'Lifeboat',
        stores: [{ storeId: 'new', kind: 'instance', identifier: 'shop-new', region: 'eu-west-1', resourceArn: 'arn:aws:rds:eu-west-1:1:db:shop-new' }],
      },
    });
    expect(aws.publishedMetrics()).toEqual([
      'BackupAgeSeconds[new/eu-west-1]@eu-west-1=7200',
      'ProbeErrors[new/eu-west-1]@eu-west-1=0',
      'RestorableLagSeconds[new/eu-west-1]@eu-west-1=100',
    ]);
  });

  it('fails the DR reading when the DR vault has no completed copy yet', async () => {
    aws.region('eu-central-1').vaults['shop-orders'] = [{ resourceArn: ORDERS_ARN, status: 'CREATING', created: ago(100) }];
    const result = await probe();
    expect(result.failures).toEqual(['orders/eu-central-1: Error: no completed recovery point of shop-orders in the eu-central-1 vault(s)']);
    expect(aws.publishedMetrics()).toContain('ProbeErrors[orders/eu-central-1]@eu-central-1=1');
    expect(aws.publishedMetrics().filter((m) => m.includes('orders/eu-central-1'))).toHaveLength(1);
  });

  it('asks AWS Backup only for the recovery points of the store it probes', async () => {
    await probe();
    const listings = aws.calls.filter((c) => c.command === 'ListRecoveryPointsByBackupVault');
    expect(listings.map((c) => `${c.region}:${c.input.BackupVaultName}:${c.input.ByResourceArn}`).sort()).toEqual([
      `eu-central-1:shop-orders:${ORDERS_ARN}`,
      `eu-west-1:shop-ledger:${LEDGER_ARN}`,
    ]);
  });
});

describe('parseProbeConfig', () => {
  it('accepts the configuration the construct writes', () => {
    expect(parseProbeConfig(JSON.stringify(config))).toEqual(config);
  });

  it('lists every problem at once', () => {
    const broken = {
      namespace: '',
      stores: [
        { storeId: 'a', kind: 'table', identifier: '1bad', region: 'eu-west-1', drRegion: 'eu-west-1', resourceArn: 'x' },
        { storeId: 'a', kind: 'cluster', identifier: 'ok', region: 'Europe', replicatedBackups: true, resourceArn: LEDGER_ARN },
      ],
    };
    expect(() => parseProbeConfig(JSON.stringify(broken))).toThrow(
      [
        'LIFEBOAT_PROBE_CONFIG is invalid:',
        '  namespace: must be a non-empty string',
        '  stores[0].kind: must be one of instance, cluster',
        '  stores[0].drRegion: must differ from region',
        '  stores[0].identifier: must be an RDS identifier',
        '  stores[0].resourceArn: must be an RDS ARN',
        '  stores[1].storeId: duplicate store id a',
        '  stores[1].region: must be an AWS region code such as eu-west-1',
        '  stores[1].replicatedBackups: needs drRegion',
        '  stores[1].replicatedBackups: cross-region automated backup replication exists for DB instances only',
      ].join('\n'),
    );
    expect(() => parseProbeConfig(undefined)).toThrow('LIFEBOAT_PROBE_CONFIG is not set');
    expect(() => parseProbeConfig('{')).toThrow(/LIFEBOAT_PROBE_CONFIG is not valid JSON/);
  });
});

describe('shared handler logging and retries', () => {
  it('writes one JSON object per line and never writes values of credential-like keys', () => {
    const lines: string[] = [];
    const log = createLogger('backup-age-probe', (line) => lines.push(line), () => NOW);
    log.info('connected', { host: 'db.internal', masterUserPassword: 'hunter2', nested: { secretToken: 'abc', port: 5432 }, error: new Error('boom') });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toEqual({
      time: NOW.toISOString(),
      level: 'info',
      component: 'backup-age-probe',
      event: 'connected',
      host: 'db.internal',
      masterUserPassword: '[redacted]',
      nested: { secretToken: '[redacted]', port: 5432 },
      error: { name: 'Error', message: 'boom' },
    });
    expect(lines[0]).not.toContain('hunter2');
  });

  it('retries throttling with growing backoff and gives up on other errors at once', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await withThrottlingRetry(
      async () => {
        calls++;
        if (calls < 4) throw awsError('TooManyRequestsException', 'slow down', 429);
        return 'done';
      },
      { sleep: async (ms) => void delays.push(ms), random: () => 0.999, baseDelayMs: 100 },
    );
    expect(result).toBe('done');
    expect(delays).toEqual([99, 199, 399]);
    calls = 0;
    await expect(
      withThrottlingRetry(async () => {
        calls++;
        throw awsError('AccessDenied', 'no', 403);
      }),
    ).rejects.toThrow('no');
    expect(calls).toBe(1);
  });
});

describe('backup-age-probe evidence', () => {
  const evidence = { bucket: 'shop-evidence-eu-central-1', region: 'eu-central-1' };
  let bucket: FakeEvidenceBucket;
  beforeEach(() => {
    bucket = new FakeEvidenceBucket({ bucket: evidence.bucket, writablePrefixes: ['backup-age/'] });
  });
  afterEach(() => bucket.restore());

  function probeAt(at: Date): Promise<ProbeResult> {
    return createProbeHandler({
      config: { ...config, evidence },
      rds: aws.rdsClient,
      backup: aws.backupClient,
      cloudwatch: aws.cloudwatchClient,
      s3: () => bucket.client,
      now: () => at,
      retry: { sleep: async () => undefined },
      logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    })();
  }

  it('keeps each run as a sample and writes one summary per store for the previous day, once, under its own prefix', async () => {
    // Two runs on 1 March, then two overlapping first runs of 2 March.
    expect((await probeAt(new Date('2026-03-01T12:00:00Z'))).failures).toEqual([]);
    expect((await probeAt(new Date('2026-03-01T12:05:00Z'))).failures).toEqual([]);
    const [first, second] = await Promise.all([probeAt(new Date('2026-03-02T00:01:00Z')), probeAt(new Date('2026-03-02T00:01:00Z'))]);
    expect([...first.failures, ...second.failures]).toEqual([]);
    expect(bucket.violations).toEqual([]);
    expect(bucket.overwritten()).toEqual([]);
    const records = bucket.keys().filter((key) => parseEvidenceKey(key) !== undefined);
    expect(records).toEqual(['backup-age/ledger/2026/03/01/ledger-20260301.json', 'backup-age/orders/2026/03/01/orders-20260301.json']);
    const orders = parseEvidenceJson(bucket.contents()['backup-age/orders/2026/03/01/orders-20260301.json']);
    expect(orders.ok).toBe(true);
    expect(orders.ok && orders.record).toMatchObject({
      kind: 'backup-age',
      store: 'orders',
      region: 'eu-west-1',
      period: { start: '2026-03-01T00:00:00.000Z', end: '2026-03-02T00:00:00.000Z' },
      regions: [
        { region: 'eu-central-1', samples: 2, errors: 0 },
        { region: 'eu-west-1', samples: 2, errors: 0 },
      ],
    });
    // The figures are the day's largest (the clock moved 5 minutes between the two runs; the seeded times did not).
    const west = orders.ok && orders.record.kind === 'backup-age' ? orders.record.regions[1] : undefined;
    expect(west?.maxRestorableLagSeconds).toBe(240 + 300);
    // The samples of the day are kept (four-segment keys that no reader takes for records) and the day is marked done.
    expect(bucket.keys('backup-age/samples/2026-03-01/')).toHaveLength(3);
  });

  it('reports an unreachable evidence bucket as a failure without losing the metrics', async () => {
    bucket.stub.on(PutObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    const result = await probeAt(NOW);
    expect(result.failures).toEqual(['evidence: AccessDenied: Access Denied']);
    expect(result.published).toBeGreaterThan(0);
  });
});
