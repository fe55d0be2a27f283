import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadRequirements, parseRequirements, requirementsJsonSchema, RequirementsError } from '../../src/spec';
import { baseSpec, EXAMPLE_PATH, exampleSpec, setPath } from './fixtures';

function issuesOf(doc: unknown): string[] {
  try {
    parseRequirements(doc);
  } catch (error) {
    if (error instanceof RequirementsError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  return [];
}

describe('parseRequirements on valid specs', () => {
  it('resolves the example: durations in seconds, defaults merged, regions resolved', () => {
    const req = loadRequirements(EXAMPLE_PATH);
    const orders = req.databases.find((d) => d.id === 'orders')!;
    expect(orders.rpo).toEqual({ az: 300, region: 300, corruption: 300 });
    expect(orders.retention).toEqual({ pointInTimeSeconds: 14 * 86_400, longTermSeconds: null, lock: null });
    expect(orders.verification).toMatchObject({ schedule: 'rate(1 day)', intervalSeconds: 86_400, region: 'dr' });
    const billing = req.databases.find((d) => d.id === 'billing')!;
    expect(billing.rpo).toEqual({ az: 300, region: 3_600, corruption: 300 });
    expect(billing.retention.lock).toEqual({ mode: 'compliance', changeableForSeconds: 3 * 86_400 });
    expect(req.buckets.find((b) => b.id === 'audit-logs')).toMatchObject({
      rpoSeconds: 3_600,
      rtoSeconds: 4 * 3_600,
      retentionSeconds: 10 * 365 * 86_400,
      objectLock: { mode: 'compliance', days: null, years: 7 },
    });
  });

  it('merges store objectives over defaults scope by scope', () => {
    const doc = baseSpec();
    doc.databases[0].rpo = { region: '30m' };
    const db = parseRequirements(doc).databases[0];
    expect(db.rpo).toEqual({ az: 300, region: 1_800, corruption: 300 });
    expect(db.rto).toEqual({ az: 3_600, region: 14_400, corruption: 14_400 });
  });

  it('leaves scopes without objective null', () => {
    const doc = baseSpec();
    delete doc.defaults;
    doc.buckets[0].rto = undefined;
    const req = parseRequirements(JSON.parse(JSON.stringify(doc)));
    expect(req.databases[0].rpo).toEqual({ az: null, region: null, corruption: null });
    expect(req.buckets[0].rtoSeconds).toBeNull();
  });

  it('resolves replica regions given as role or code', () => {
    const doc = baseSpec();
    doc.databases[0].readReplicas = [{ region: 'primary' }, { region: 'eu-central-1', instanceClass: 'db.r6g.xlarge' }];
    expect(parseRequirements(doc).databases[0].readReplicas).toEqual([
      { region: 'eu-west-1', regionRole: 'primary', instanceClass: null },
      { region: 'eu-central-1', regionRole: 'dr', instanceClass: 'db.r6g.xlarge' },
    ]);
  });

  it('accepts the boundaries of every bounded field', () => {
    const doc = baseSpec();
    doc.databases[0].retention = { pointInTime: '35d', longTerm: '35d', lock: { mode: 'compliance', changeableFor: '3d' } };
    doc.databases[0].storageGb = 65_536;
    doc.databases.push({ id: 'small', engine: 'mysql', engineVersion: '8.0', instanceClass: 'db.t4g.micro', storageGb: 20, retention: { pointInTime: '1d' } });
    doc.databases.push({ id: 'rewind', engine: 'aurora-mysql', engineVersion: '8.0', instanceClass: 'db.r6g.large', backtrack: '72h', retention: { pointInTime: '1d' } });
    doc.buckets[0].transitions = [{ after: '30d', storageClass: 'STANDARD_IA' }, { after: '60d', storageClass: 'GLACIER' }];
    doc.buckets[0].objectLock = { mode: 'governance', days: 90 };
    doc.name = 'a'.repeat(24);
    expect(issuesOf(doc).filter((i) => !i.includes('characters'))).toEqual([]);
  });

  it('rejects the spec name and store ids when derived names would not fit', () => {
    const doc = baseSpec();
    doc.name = 'n'.repeat(20);
    doc.databases[0].id = 'd'.repeat(31); // 20 + 1 + 31 = 52: fits
    doc.buckets[0].id = 'b'.repeat(28); // 20 + 1 + 28 = 49: one too many
    expect(issuesOf(doc)).toEqual([
      `buckets.0.id: "${doc.name}-${doc.buckets[0].id}" is 49 characters; name and bucket id together ("<name>-<id>") must be at most 48 so derived AWS names fit`,
    ]);
  });
});

describe('parseRequirements rejections', () => {
  // Each row seeds one problem into an otherwise valid spec and expects exactly that problem.
  const cases: [string, (doc: Record<string, any>) => void, string][] = [
    ['version', (d) => setPath(d, 'version', 2), 'version: must be 1 (the only spec version)'],
    ['name with uppercase', (d) => setPath(d, 'name', 'Shop'), 'name: must be lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen'],
    ['name with double hyphen', (d) => setPath(d, 'name', 'a--b'), 'name: must be lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen'],
    ['same regions', (d) => setPath(d, 'regions.dr', 'eu-west-1'), 'regions.dr: must differ from regions.primary (eu-west-1)'],
    ['region code', (d) => setPath(d, 'regions.dr', 'eu-centre-1'), 'regions.dr: "eu-centre-1" is not an AWS region code (e.g. eu-west-1)'],
    ['no alert destination', (d) => setPath(d, 'alerts', {}), 'alerts: needs at least one of emails, httpsEndpoints or topicArn: alarms must notify someone'],
    ['topic in a third region', (d) => setPath(d, 'alerts.topicArn', 'arn:aws:sns:us-east-1:123456789012:ops'), 'alerts.topicArn: topic region us-east-1 is neither regions.primary nor regions.dr (alarms notify topics in their own region)'],
    ['one subnet', (d) => setPath(d, 'network.dr.subnetIds', ['subnet-0f1e2d01']), 'network.dr.subnetIds: needs at least 2 subnets in different AZs (RDS DB subnet groups require 2 AZs)'],
    ['duplicate subnet', (d) => setPath(d, 'network.dr.subnetIds', ['subnet-0f1e2d01', 'subnet-0f1e2d01']), 'network.dr.subnetIds.1: duplicate "subnet-0f1e2d01"'],
    ['too many tags', (d) => setPath(d, 'tags', Object.fromEntries(Array.from({ length: 41 }, (_, i) => [`k${i}`, 'v']))), 'tags: at most 40 tags (AWS allows 50 per resource; Lifeboat reserves 10 for its own)'],
    ['tag value too long', (d) => setPath(d, 'tags', { team: 'x'.repeat(257) }), 'tags.team: tag values are 0-256 characters of letters, digits, spaces and _ . : / = + - @'],
    ['unknown field', (d) => setPath(d, 'databases.0.multiAZ', true), 'databases.0.multiAZ: unknown field'],
    ['missing retention', (d) => setPath(d, 'databases.0.retention', undefined), 'databases.0.retention: required'],
    ['pointInTime 36d', (d) => setPath(d, 'databases.0.retention.pointInTime', '36d'), 'databases.0.retention.pointInTime: must be at most 35d (RDS limit); use retention.longTerm for longer retention (AWS Backup)'],
    ['pointInTime 35d + 1s', (d) => setPath(d, 'databases.0.retention.pointInTime', '3024001s'), 'databases.0.retention.pointInTime: must be at most 35d (RDS limit); use retention.longTerm for longer retention (AWS Backup)'],
    ['pointInTime 23h', (d) => setPath(d, 'databases.0.retention.pointInTime', '23h'), 'databases.0.retention.pointInTime: must be at least 1d (RDS keeps automated backups 1-35 days)'],
    ['pointInTime 36h', (d) => setPath(d, 'databases.0.retention.pointInTime', '36h'), 'databases.0.retention.pointInTime: must be whole days (d or y)'],
    ['longTerm < pointInTime', (d) => setPath(d, 'databases.0.retention.longTerm', '6d'), 'databases.0.retention.longTerm: must be at least retention.pointInTime'],
    ['longTerm 101y', (d) => setPath(d, 'databases.0.retention.longTerm', '101y'), 'databases.0.retention.longTerm: must be at most 100y (AWS Backup limit: 36500 days)'],
    ['lock without longTerm', (d) => setPath(d, 'databases.0.retention.lock', { mode: 'compliance' }), 'databases.0.retention.lock: needs retention.longTerm: the vault lock protects AWS Backup recovery points'],
    ['lock grace 2d', (d) => setPath(d, 'databases.0.retention', { pointInTime: '7d', longTerm: '1y', lock: { mode: 'compliance', changeableFor: '2d' } }), 'databases.0.retention.lock.changeableFor: must be at least 3d (AWS Backup vault lock minimum)'],
    ['storageGb 19', (d) => setPath(d, 'databases.0.storageGb', 19), 'databases.0.storageGb: must be at least 20 GiB (RDS gp3 minimum)'],
    ['storageGb 65537', (d) => setPath(d, 'databases.0.storageGb', 65_537), 'databases.0.storageGb: must be at most 65536 GiB (RDS maximum)'],
    ['storageGb missing', (d) => setPath(d, 'databases.0.storageGb', undefined), 'databases.0.storageGb: required for postgres (20-65536 GiB) unless the database is existing'],
    ['aurora storageGb', (d) => setPath(d, 'databases.0.engine', 'aurora-postgresql'), 'databases.0.storageGb: not allowed for aurora-postgresql: Aurora storage grows automatically'],
    ['instanceClass missing', (d) => setPath(d, 'databases.0.instanceClass', undefined), 'databases.0.instanceClass: required unless the database is existing'],
    ['backtrack on postgres', (d) => setPath(d, 'databases.0.backtrack', '1h'), 'databases.0.backtrack: only aurora-mysql supports backtrack, not postgres'],
    ['replica in a third region', (d) => setPath(d, 'databases.0.readReplicas', [{ region: 'us-east-1' }]), 'databases.0.readReplicas.0.region: us-east-1 is neither regions.primary (eu-west-1) nor regions.dr (eu-central-1)'],
    ['two DR replicas', (d) => setPath(d, 'databases.0.readReplicas', [{ region: 'dr' }, { region: 'eu-central-1' }]), 'databases.0.readReplicas.1.region: at most one read replica in the DR region (it is the standby Lifeboat names <name>-<id>-dr)'],
    ['schedule too frequent', (d) => setPath(d, 'databases.0.verification.schedule', '59m'), 'databases.0.verification.schedule: "59m" runs more often than every 1h (a verification restore takes tens of minutes)'],
    ['maxLifetime 25h', (d) => setPath(d, 'databases.0.verification.maxLifetime', '25h'), 'databases.0.verification.maxLifetime: must be between 1h and 24h'],
    ['schedule as often as the default lifetime', (d) => setPath(d, 'databases.0.verification.schedule', 'rate(6 hours)'), 'databases.0.verification.schedule: runs at least every 6h, but the default maxLifetime (6h) is not shorter, so a run could still be going when the next one starts; schedule less often or set verification.maxLifetime below 6h (at least 1h)'],
    ['maxLifetime as long as the schedule', (d) => { setPath(d, 'databases.0.verification.schedule', '2h'); setPath(d, 'databases.0.verification.maxLifetime', '2h'); }, 'databases.0.verification.maxLifetime: runs at least every 2h, but maxLifetime (2h) is not shorter, so a run could still be going when the next one starts; schedule less often or set verification.maxLifetime below 2h (at least 1h)'],
    ['rowCount min > max', (d) => setPath(d, 'databases.0.verification.checks', [{ type: 'rowCount', table: 'orders', min: 5, max: 1 }]), 'databases.0.verification.checks.0.max: must be at least min'],
    ['duplicate sql check names', (d) => setPath(d, 'databases.0.verification.checks', [1, 2].map(() => ({ type: 'sql', name: 'x', sql: 'select 1', expect: { type: 'someRows' } }))), 'databases.0.verification.checks.1.name: duplicate check name "x"'],
    ['table injection', (d) => setPath(d, 'databases.0.verification.freshness.table', 'orders;drop'), 'databases.0.verification.freshness.table: must be a SQL identifier (letters, digits, _ or $; optionally schema-qualified as schema.table)'],
    ['duplicate ids', (d) => setPath(d, 'buckets.0.id', 'orders'), 'buckets.0.id: duplicate id "orders" (already used by databases.0.id); ids must be unique across databases and buckets'],
    ['bucket rpo without default', (d) => { setPath(d, 'buckets.0.rpo', undefined); setPath(d, 'defaults.rpo.region', undefined); }, 'buckets.0.rpo: required (no defaults.rpo.region to fall back on)'],
    ['object lock without period', (d) => setPath(d, 'buckets.0.objectLock', { mode: 'governance' }), 'buckets.0.objectLock: needs exactly one of days or years (the default retention S3 applies to new objects)'],
    ['object lock longer than retention', (d) => setPath(d, 'buckets.0.objectLock', { mode: 'governance', days: 91 }), 'buckets.0.objectLock: lock retention must not exceed the bucket retention (locked versions could not be expired on time)'],
    ['IA at 29d', (d) => setPath(d, 'buckets.0.transitions', [{ after: '29d', storageClass: 'STANDARD_IA' }]), 'buckets.0.transitions.0.after: must be at least 30d for STANDARD_IA (S3 minimum)'],
    ['transition at retention', (d) => setPath(d, 'buckets.0.transitions', [{ after: '90d', storageClass: 'GLACIER' }]), 'buckets.0.transitions.0.after: must be shorter than the bucket retention'],
    ['transition in hours', (d) => setPath(d, 'buckets.0.transitions', [{ after: '36h', storageClass: 'GLACIER' }]), 'buckets.0.transitions.0.after: must be whole days (d or y)'],
    ['warmer after colder', (d) => setPath(d, 'buckets.0.transitions', [{ after: '1d', storageClass: 'GLACIER_IR' }, { after: '40d', storageClass: 'STANDARD_IA' }]), 'buckets.0.transitions.1.storageClass: S3 cannot transition from GLACIER_IR to STANDARD_IA (from GLACIER_IR S3 moves objects only to GLACIER, DEEP_ARCHIVE)'],
    ['unsupported waterfall step', (d) => setPath(d, 'buckets.0.transitions', [{ after: '30d', storageClass: 'INTELLIGENT_TIERING' }, { after: '60d', storageClass: 'GLACIER_IR' }]), 'buckets.0.transitions.1.storageClass: S3 cannot transition from INTELLIGENT_TIERING to GLACIER_IR (from INTELLIGENT_TIERING S3 moves objects only to ONEZONE_IA, GLACIER, DEEP_ARCHIVE)'],
    ['29d after IA', (d) => setPath(d, 'buckets.0.transitions', [{ after: '30d', storageClass: 'STANDARD_IA' }, { after: '59d', storageClass: 'GLACIER' }]), 'buckets.0.transitions.1.after: must be at least 30d after the STANDARD_IA transition (S3 minimum)'],
    ['bad replica class', (d) => setPath(d, 'buckets.0.replicaStorageClass', 'REDUCED_REDUNDANCY'), 'buckets.0.replicaStorageClass: Invalid option: expected one of "STANDARD"|"STANDARD_IA"|"INTELLIGENT_TIERING"|"ONEZONE_IA"|"GLACIER_IR"|"GLACIER"|"DEEP_ARCHIVE"'],
  ];

  it.each(cases)('%s', (_name, mutate, expected) => {
    const doc = baseSpec();
    mutate(doc);
    expect(issuesOf(JSON.parse(JSON.stringify(doc)))).toEqual([expected]);
  });

  it('reports every problem at once, structural and cross-field together', () => {
    const doc = baseSpec();
    doc.environment = 42;
    doc.regions.dr = 'eu-west-1';
    doc.databases[0].retention.pointInTime = '40d';
    doc.buckets[0].id = 'orders';
    doc.buckets[0].retention = 'forever';
    const issues = issuesOf(doc);
    expect(issues.map((i) => i.split(':')[0])).toEqual([
      'buckets.0.id',
      'buckets.0.retention',
      'databases.0.retention.pointInTime',
      'environment',
      'regions.dr',
    ]);
  });

  it('puts every problem in the error message, one per line', () => {
    const doc = baseSpec();
    doc.regions.dr = 'eu-west-1';
    doc.buckets[0].id = 'orders';
    expect(() => parseRequirements(doc)).toThrow(
      'Invalid backup requirements:\n' +
        'buckets.0.id: duplicate id "orders" (already used by databases.0.id); ids must be unique across databases and buckets\n' +
        'regions.dr: must differ from regions.primary (eu-west-1)',
    );
  });

  it('refuses a "__proto__" tag key rather than dropping it silently', () => {
    const doc = JSON.parse(JSON.stringify(baseSpec()).replace('"version":1,', '"version":1,"tags":{"__proto__":"x"},'));
    expect(issuesOf(doc)).toEqual(['tags.__proto__: is not supported as a tag key']);
  });

  it.each([null, 42, 'spec', [], true])('rejects a document that is not an object (%p)', (doc) => {
    expect(issuesOf(doc)).toEqual(['(root): Invalid input: expected object, received ' + (doc === null ? 'null' : Array.isArray(doc) ? 'array' : typeof doc)]);
  });
});

describe('loadRequirements', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-spec-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reports invalid JSON with line and column', () => {
    const file = path.join(dir, 'broken.json');
    fs.writeFileSync(file, '{\n  "version": 1,\n  "name": "shop",,\n}\n');
    expect(() => loadRequirements(file)).toThrow('(json): invalid JSON at line 3 column 18: unexpected character \',\'');
  });

  it('reports an empty file', () => {
    const file = path.join(dir, 'empty.json');
    fs.writeFileSync(file, '\n');
    expect(() => loadRequirements(file)).toThrow('(json): invalid JSON: the file is empty');
  });

  it('reports a missing file as a RequirementsError', () => {
    expect(() => loadRequirements(path.join(dir, 'missing.json'))).toThrow(RequirementsError);
  });
});

describe('requirementsJsonSchema', () => {
  it('describes the top-level fields and the duration format', () => {
    const schema = requirementsJsonSchema() as any;
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.required).toEqual(expect.arrayContaining(['version', 'name', 'environment', 'regions', 'alerts', 'network']));
    expect(schema.additionalProperties).toBe(false);
    const pointInTime = schema.properties.databases.items.properties.retention.properties.pointInTime;
    expect(pointInTime.pattern).toBe('^[1-9][0-9]{0,9}[smhdy]$');
    expect(schema.properties.databases.items.properties.engine.enum).toEqual(['postgres', 'mysql', 'mariadb', 'aurora-postgresql', 'aurora-mysql']);
  });

  it('accepts the example by its own patterns (every duration in the example matches)', () => {
    const durations = JSON.stringify(exampleSpec()).match(/"(?:pointInTime|longTerm|retention|after|rpo|rto)":"[^"]*"/g) ?? [];
    expect(durations.length).toBeGreaterThan(3);
    for (const entry of durations) expect(entry.split(':')[1].replace(/"/g, '')).toMatch(/^[1-9][0-9]{0,9}[smhdy]$/);
  });
});
