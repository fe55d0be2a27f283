import 'cdktf/lib/testing/adapters/jest';
import { VerificationRestore, VerificationRestoreProps, VerificationStore, verificationAlarmWindow } from '../../constructs/verification-restore';
import { cleanupTestApps, onlyResource, resourcesOfType, synthStack, TerraformJson } from '../support/synth';

afterAll(cleanupTestApps);

const topics = { 'eu-central-1': 'arn:aws:sns:eu-central-1:111122223333:alerts' };

const orders: VerificationStore = {
  storeId: 'orders',
  kind: 'instance',
  engine: 'postgres',
  sourceIdentifier: 'shop-orders',
  sourceAutomatedBackupsArn: 'arn:aws:rds:eu-central-1:111122223333:auto-backup:ab-orders',
  instanceClass: 'db.t4g.medium',
  databaseName: 'shop',
  checks: [{ type: 'tableExists', table: 'public.orders' }],
  maxLifetimeSeconds: 21_600,
  identifierPrefix: 'lbv-shop-orders',
  scheduleExpression: 'rate(1 day)',
  scheduleIntervalSeconds: 86_400,
  rtoSeconds: 7200,
  rpoSeconds: 900,
  sourceKmsKeyArn: 'arn:aws:kms:eu-central-1:111122223333:key/dr',
};
const ledger: VerificationStore = {
  storeId: 'ledger',
  kind: 'cluster',
  engine: 'aurora-mysql',
  sourceIdentifier: 'shop-ledger-dr',
  instanceClass: 'db.t4g.medium',
  databaseName: 'ledger',
  port: 3307,
  checks: [{ type: 'rowCount', table: 'ledger.entries', min: 1 }],
  maxLifetimeSeconds: 21_600,
  identifierPrefix: 'lbv-shop-ledger',
  scheduleExpression: 'rate(12 hours)',
  scheduleIntervalSeconds: 43_200,
};

const props: VerificationRestoreProps = {
  region: 'eu-central-1',
  namePrefix: 'shop',
  vpcId: 'vpc-1',
  subnetIds: ['subnet-a', 'subnet-b'],
  stores: [orders, ledger],
  alarmTopics: topics,
  evidence: { bucketName: 'shop-evidence-eu-central-1', region: 'eu-central-1', kmsKeyArn: 'arn:aws:kms:eu-central-1:123456789012:key/evidence' },
};

function synth(overrides: Partial<VerificationRestoreProps> = {}): TerraformJson {
  return synthStack((stack) => {
    new VerificationRestore(stack, 'verify', { ...props, ...overrides });
  });
}

/** `${aws_security_group.<key>.id}` of the group with this name. */
function groupRef(out: TerraformJson, name: string): string {
  const [key] = Object.entries(resourcesOfType(out, 'aws_security_group')).find(([, group]) => group.name === name)!;
  return `\${aws_security_group.${key}.id}`;
}

describe('VerificationRestore network', () => {
  it('lets ONLY the function reach the restored instances, on the database ports, and nothing else in', () => {
    const out = synth();
    const fnGroup = groupRef(out, 'shop-verify-function');
    const restoredGroup = groupRef(out, 'shop-verify-restored');
    for (const group of Object.values(resourcesOfType(out, 'aws_security_group'))) {
      // Inline rules would fight the separate rule resources; without them Terraform removes AWS's allow-all egress.
      expect(group.ingress).toBeUndefined();
      expect(group.egress).toBeUndefined();
    }
    const ingress = Object.values(resourcesOfType(out, 'aws_vpc_security_group_ingress_rule'));
    expect(ingress.map((rule) => [rule.security_group_id, rule.referenced_security_group_id, rule.ip_protocol, rule.from_port, rule.to_port, rule.cidr_ipv4]).sort((a, b) => a[3] - b[3])).toEqual([
      [restoredGroup, fnGroup, 'tcp', 3307, 3307, undefined],
      [restoredGroup, fnGroup, 'tcp', 5432, 5432, undefined],
    ]);
    const egress = Object.values(resourcesOfType(out, 'aws_vpc_security_group_egress_rule'));
    const byPort = (a: any[], b: any[]) => a[2] - b[2];
    expect(egress.map((rule) => [rule.security_group_id, rule.referenced_security_group_id ?? rule.cidr_ipv4, rule.from_port]).sort(byPort)).toEqual([
      [fnGroup, '0.0.0.0/0', 443],
      [fnGroup, restoredGroup, 3307],
      [fnGroup, restoredGroup, 5432],
    ]);
    expect(onlyResource(out, 'aws_db_subnet_group')).toMatchObject({ name: 'shop-verify', subnet_ids: ['subnet-a', 'subnet-b'], region: 'eu-central-1' });
    expect(onlyResource(out, 'aws_lambda_function')).toMatchObject({
      vpc_config: { subnet_ids: ['subnet-a', 'subnet-b'], security_group_ids: [fnGroup] },
      runtime: 'nodejs22.x',
      region: 'eu-central-1',
    });
  });

  it('without createVpcEndpoints, creates no endpoint and reaches every API (RDS, CloudWatch, S3) on 443 through apiEgressCidr', () => {
    for (const [overrides, cidr] of [
      [{}, '0.0.0.0/0'],
      [{ apiEgressCidr: '10.20.0.0/16' }, '10.20.0.0/16'],
    ] as const) {
      const out = synth(overrides);
      expect(resourcesOfType(out, 'aws_vpc_endpoint')).toEqual({});
      const https = Object.values(resourcesOfType(out, 'aws_vpc_security_group_egress_rule')).filter((rule) => rule.from_port === 443);
      expect(https.map((rule) => [rule.security_group_id, rule.cidr_ipv4, rule.to_port, rule.referenced_security_group_id])).toEqual([
        [groupRef(out, 'shop-verify-function'), cidr, 443, undefined],
      ]);
    }
  });

  it('in the evidence bucket\'s region, creates RDS, CloudWatch and S3 interface endpoints the function alone reaches, and no internet egress', () => {
    const out = synth({ createVpcEndpoints: true });
    const endpointGroup = groupRef(out, 'shop-verify-endpoints');
    const fnGroup = groupRef(out, 'shop-verify-function');
    const endpoints = Object.values(resourcesOfType(out, 'aws_vpc_endpoint'));
    expect(endpoints.map((endpoint) => [endpoint.service_name, endpoint.vpc_endpoint_type, endpoint.private_dns_enabled, endpoint.dns_options]).sort()).toEqual([
      ['com.amazonaws.eu-central-1.monitoring', 'Interface', true, undefined],
      ['com.amazonaws.eu-central-1.rds', 'Interface', true, undefined],
      // All resolvers, not AWS's default for S3 (inbound resolver only, which needs a gateway endpoint and leaves
      // in-VPC requests on it): the SDK's <bucket>.s3.eu-central-1.amazonaws.com resolves to this endpoint.
      ['com.amazonaws.eu-central-1.s3', 'Interface', true, { private_dns_only_for_inbound_resolver_endpoint: false }],
    ]);
    for (const endpoint of endpoints) {
      expect(endpoint).toMatchObject({ vpc_id: 'vpc-1', subnet_ids: ['subnet-a', 'subnet-b'], security_group_ids: [endpointGroup], region: 'eu-central-1' });
      expect(endpoint.route_table_ids).toBeUndefined();
    }
    // The endpoints admit HTTPS from the function's group only, and the function's HTTPS goes to them only.
    const ingress = Object.values(resourcesOfType(out, 'aws_vpc_security_group_ingress_rule')).filter((rule) => rule.security_group_id === endpointGroup);
    expect(ingress).toEqual([expect.objectContaining({ referenced_security_group_id: fnGroup, ip_protocol: 'tcp', from_port: 443, to_port: 443 })]);
    const egress = Object.values(resourcesOfType(out, 'aws_vpc_security_group_egress_rule'));
    expect(egress.some((rule) => rule.cidr_ipv4 !== undefined || rule.cidr_ipv6 !== undefined || rule.prefix_list_id !== undefined)).toBe(false);
    expect(egress.filter((rule) => rule.from_port === 443).map((rule) => [rule.security_group_id, rule.referenced_security_group_id, rule.to_port, rule.description])).toEqual([
      [fnGroup, endpointGroup, 443, 'HTTPS to the RDS, CloudWatch and S3 interface endpoints'],
    ]);
    // The handler's S3 client is regional (the evidence bucket's region), so private DNS of this region's S3 serves it.
    const config = JSON.parse(onlyResource(out, 'aws_lambda_function').environment.variables.LIFEBOAT_VERIFY_CONFIG);
    expect(config.evidence).toEqual({ bucket: 'shop-evidence-eu-central-1', region: 'eu-central-1' });
  });

  it('keeps the endpoint security group\'s first description, so upgrading a deployment does not replace the group its endpoints use', () => {
    const out = synth({ createVpcEndpoints: true });
    const groups = Object.values(resourcesOfType(out, 'aws_security_group')).filter((group) => group.name === 'shop-verify-endpoints');
    // AWS cannot change a group's description in place: a new text would replace the group, and deleting the old
    // group while the endpoints still use it fails.
    expect(groups.map((group) => group.description)).toEqual(['Lifeboat verification: RDS and CloudWatch interface endpoints, HTTPS from the function only']);
  });

  it('in another region than the evidence bucket, creates RDS and CloudWatch endpoints and sends S3 through NAT (apiEgressCidr)', () => {
    const elsewhere = { bucketName: 'shop-evidence-eu-west-3', region: 'eu-west-3', kmsKeyArn: 'arn:aws:kms:eu-west-3:123456789012:key/evidence' };
    for (const [overrides, cidr] of [
      [{}, '0.0.0.0/0'],
      [{ apiEgressCidr: '10.20.0.0/16' }, '10.20.0.0/16'],
    ] as const) {
      const out = synth({ createVpcEndpoints: true, evidence: elsewhere, ...overrides });
      const endpointGroup = groupRef(out, 'shop-verify-endpoints');
      const fnGroup = groupRef(out, 'shop-verify-function');
      // An S3 endpoint here would serve eu-central-1's buckets, not the evidence bucket in eu-west-3.
      expect(Object.values(resourcesOfType(out, 'aws_vpc_endpoint')).map((endpoint) => endpoint.service_name).sort()).toEqual([
        'com.amazonaws.eu-central-1.monitoring',
        'com.amazonaws.eu-central-1.rds',
      ]);
      const https = Object.values(resourcesOfType(out, 'aws_vpc_security_group_egress_rule')).filter((rule) => rule.from_port === 443);
      expect(https.map((rule) => [rule.security_group_id, rule.referenced_security_group_id ?? rule.cidr_ipv4, rule.to_port, rule.description])).toEqual([
        [fnGroup, endpointGroup, 443, 'HTTPS to the RDS and CloudWatch interface endpoints'],
        [fnGroup, cidr, 443, 'HTTPS to S3 in eu-west-3 for the evidence bucket (through NAT)'],
      ]);
    }
  });
});

describe('VerificationRestore network beside an S3 gateway endpoint', () => {
  it('with s3PrefixListId, creates no S3 interface endpoint (no VPC-wide S3 private DNS) and reaches S3 through the gateway\'s prefix list', () => {
    const out = synth({ createVpcEndpoints: true, s3PrefixListId: 'pl-6ea54007' });
    const fnGroup = groupRef(out, 'shop-verify-function');
    expect(Object.values(resourcesOfType(out, 'aws_vpc_endpoint')).map((endpoint) => endpoint.service_name).sort()).toEqual([
      'com.amazonaws.eu-central-1.monitoring',
      'com.amazonaws.eu-central-1.rds',
    ]);
    const https = Object.values(resourcesOfType(out, 'aws_vpc_security_group_egress_rule')).filter((rule) => rule.from_port === 443);
    expect(https.map((rule) => [rule.security_group_id, rule.referenced_security_group_id ?? rule.prefix_list_id, rule.cidr_ipv4, rule.to_port])).toEqual([
      [fnGroup, groupRef(out, 'shop-verify-endpoints'), undefined, 443],
      [fnGroup, 'pl-6ea54007', undefined, 443],
    ]);
  });

  it('refuses s3PrefixListId without createVpcEndpoints, beside a bucket in another region, or not a prefix list ID, naming the fix', () => {
    expect(() => synth({ s3PrefixListId: 'pl-6ea54007' })).toThrow(
      /s3PrefixListId: only used with createVpcEndpoints: true \(without endpoints the HTTPS egress to apiEgressCidr reaches S3 already\); remove it or set createVpcEndpoints/,
    );
    const elsewhere = { bucketName: 'shop-evidence-eu-west-3', region: 'eu-west-3', kmsKeyArn: 'arn:aws:kms:eu-west-3:123456789012:key/evidence' };
    expect(() => synth({ createVpcEndpoints: true, evidence: elsewhere, s3PrefixListId: 'vpce-0123' })).toThrow(
      /s3PrefixListId: a gateway endpoint in eu-central-1 does not serve the evidence bucket in eu-west-3; remove it \(S3 then goes through NAT, apiEgressCidr\)\n\s+s3PrefixListId: must be a prefix list ID \(pl- and 8 or 17 hex digits, the S3 gateway endpoint's prefix_list_id\), got 'vpce-0123'/,
    );
  });
});

describe('VerificationRestore events', () => {
  it('starts each store on its schedule, follows RDS events of the temporary resources only, and ticks every 5 minutes', () => {
    const out = synth();
    const rules = Object.entries(resourcesOfType(out, 'aws_cloudwatch_event_rule'));
    const byName = Object.fromEntries(rules.map(([key, rule]) => [rule.name, { key, rule }]));
    expect(Object.keys(byName).sort()).toEqual(['shop-verify-ledger', 'shop-verify-orders', 'shop-verify-rds-events', 'shop-verify-tick']);
    expect(byName['shop-verify-orders'].rule.schedule_expression).toBe('rate(1 day)');
    expect(byName['shop-verify-ledger'].rule.schedule_expression).toBe('rate(12 hours)');
    expect(byName['shop-verify-tick'].rule.schedule_expression).toBe('rate(5 minutes)');
    expect(JSON.parse(byName['shop-verify-rds-events'].rule.event_pattern)).toEqual({
      source: ['aws.rds'],
      'detail-type': ['RDS DB Instance Event', 'RDS DB Cluster Event'],
      // Both documented forms: the bare identifier and AWS's sample-event form `rds:<identifier>`.
      detail: {
        SourceIdentifier: [{ prefix: 'lbv-shop-ledger' }, { prefix: 'rds:lbv-shop-ledger' }, { prefix: 'lbv-shop-orders' }, { prefix: 'rds:lbv-shop-orders' }],
      },
    });
    const targets = Object.values(resourcesOfType(out, 'aws_cloudwatch_event_target'));
    const inputOf = (name: string) => targets.find((target) => target.rule === `\${aws_cloudwatch_event_rule.${byName[name].key}.name}`)!.input;
    expect(JSON.parse(inputOf('shop-verify-orders'))).toEqual({ action: 'start', storeId: 'orders' });
    expect(JSON.parse(inputOf('shop-verify-tick'))).toEqual({ action: 'tick' });
    // RDS events reach the function unchanged: the handler reads detail.SourceIdentifier.
    expect(inputOf('shop-verify-rds-events')).toBeUndefined();
    const permissions = Object.values(resourcesOfType(out, 'aws_lambda_permission'));
    expect(permissions.map((permission) => permission.source_arn).sort()).toEqual(
      rules.map(([key]) => `\${aws_cloudwatch_event_rule.${key}.arn}`).sort(),
    );
  });
});

describe('VerificationRestore permissions and configuration', () => {
  it('uses the handler\'s tag-conditioned statements, plus a KMS grant through RDS for encrypted sources', () => {
    const out = synth();
    const statements: any[] = JSON.parse(onlyResource(out, 'aws_iam_role_policy').policy).Statement;
    const bySid = Object.fromEntries(statements.map((statement) => [statement.Sid, statement]));
    expect(bySid.ModifyAndDeleteOnlyTaggedVerificationInstances.Condition).toEqual({
      StringEquals: { 'aws:ResourceTag/lifeboat:verification': 'true' },
    });
    expect(bySid.RestoreTaggedVerificationInstances.Condition).toEqual({ StringEquals: { 'aws:RequestTag/lifeboat:verification': 'true' } });
    expect(bySid.RestoreTaggedVerificationInstances.Resource).toContain(orders.sourceAutomatedBackupsArn);
    expect(bySid.RestoreEncryptedSources).toEqual({
      Sid: 'RestoreEncryptedSources',
      Effect: 'Allow',
      Action: ['kms:CreateGrant', 'kms:DescribeKey'],
      Resource: [orders.sourceKmsKeyArn],
      Condition: { StringEquals: { 'kms:ViaService': 'rds.eu-central-1.amazonaws.com' } },
    });
    // Nothing may delete or modify a source: every delete/modify statement is tag-conditioned.
    for (const statement of statements) {
      const writes = statement.Action.filter((action: string) => /^rds:(Delete|Modify)/.test(action));
      if (writes.length > 0) expect(statement.Condition.StringEquals['aws:ResourceTag/lifeboat:verification']).toBe('true');
    }
  });

  it('hands the handler each store with the restored instances\' security group, subnet group and port', () => {
    const out = synth();
    const config = JSON.parse(onlyResource(out, 'aws_lambda_function').environment.variables.LIFEBOAT_VERIFY_CONFIG);
    expect(config.namespace).toBe('Lifeboat');
    expect(config.stores.map((store: any) => [store.storeId, store.port, store.subnetGroupName, store.securityGroupIds, store.restoreRegion])).toEqual([
      ['orders', 5432, 'shop-verify', [groupRef(out, 'shop-verify-restored')], 'eu-central-1'],
      ['ledger', 3307, 'shop-verify', [groupRef(out, 'shop-verify-restored')], 'eu-central-1'],
    ]);
  });
});

describe('VerificationRestore alarms', () => {
  it('alarms on failure, staleness (missing data breaching), restore time above RTO and data lag above RPO', () => {
    const alarms = Object.fromEntries(
      Object.values(resourcesOfType(synth(), 'aws_cloudwatch_metric_alarm')).map((alarm) => [alarm.alarm_name, alarm]),
    );
    expect(Object.keys(alarms).sort()).toEqual([
      'shop-ledger-verification-failed',
      'shop-ledger-verification-stale',
      'shop-orders-data-lag',
      'shop-orders-restore-time',
      'shop-orders-verification-failed',
      'shop-orders-verification-stale',
    ]);
    expect(alarms['shop-orders-verification-stale']).toMatchObject({
      metric_name: 'VerificationSucceeded',
      statistic: 'Sum',
      threshold: 1,
      comparison_operator: 'LessThanThreshold',
      period: 86_400,
      evaluation_periods: 2,
      treat_missing_data: 'breaching',
      dimensions: { StoreId: 'orders' },
      region: 'eu-central-1',
    });
    expect(alarms['shop-ledger-verification-stale']).toMatchObject({ period: 43_200, evaluation_periods: 2 });
    expect(alarms['shop-orders-verification-failed']).toMatchObject({ statistic: 'Minimum', threshold: 1, comparison_operator: 'LessThanThreshold' });
    expect(alarms['shop-orders-restore-time']).toMatchObject({ metric_name: 'RestoreSeconds', threshold: 7200, comparison_operator: 'GreaterThanThreshold' });
    expect(alarms['shop-orders-data-lag']).toMatchObject({ metric_name: 'DataLagSeconds', threshold: 900 });
  });

  it('keeps the staleness window at twice the interval within CloudWatch\'s limits', () => {
    expect(verificationAlarmWindow(3600)).toEqual({ periodSeconds: 3600, staleEvaluationPeriods: 2 });
    expect(verificationAlarmWindow(3 * 86_400)).toEqual({ periodSeconds: 86_400, staleEvaluationPeriods: 6 });
  });
});

describe('VerificationRestore validation and determinism', () => {
  it('reports every problem at once, including the handler configuration', () => {
    expect(() =>
      synth({
        subnetIds: ['subnet-a'],
        alarmTopics: {},
        stores: [{ ...orders, scheduleIntervalSeconds: 600, identifierPrefix: 'shop-ord' }, ledger],
      }),
    ).toThrow(
      /subnetIds: an RDS subnet group needs at least 2 subnets[\s\S]*alarmTopics: no SNS topic for region eu-central-1[\s\S]*stores\[0\]\.scheduleIntervalSeconds: must be a whole number of at least 3600[\s\S]*stores\[0\]\.maxLifetimeSeconds: must be shorter[\s\S]*handler configuration: stores\[0\]\.identifierPrefix: the source shop-orders starts with it/,
    );
  });

  it('synthesizes the same bytes twice', () => {
    expect(JSON.stringify(synth())).toBe(JSON.stringify(synth()));
  });
});
