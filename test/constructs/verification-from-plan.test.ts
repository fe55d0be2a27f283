import 'cdktf/lib/testing/adapters/jest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { BackupAgeProbe } from '../../constructs/backup-age-probe';
import { EvidenceBucket } from '../../constructs/evidence-bucket';
import { backupAgeProbePropsFromPlan, replicationCheckPropsFromPlan } from '../../constructs/from-plan/probes';
import { verificationRestorePropsFromPlan } from '../../constructs/from-plan/verification';
import { ReplicationCheck } from '../../constructs/replication-check';
import { VerificationRestore } from '../../constructs/verification-restore';
import { planBackups } from '../../src/plan';
import { planEvidence } from '../../src/plan/evidence';
import { checkDocument } from '../../src/policy';
import { parseRequirements } from '../../src/spec';
import { cleanupTestApps, resourcesOfType, synthStack } from '../support/synth';

afterAll(cleanupTestApps);

const example = JSON.parse(fs.readFileSync(path.join(__dirname, '../../examples/backup_requirements.json'), 'utf8'));
const plan = planBackups(parseRequirements(example));
const topics = { [plan.regions.primary]: 'arn:aws:sns:eu-west-1:111122223333:alerts', [plan.regions.dr]: 'arn:aws:sns:eu-central-1:111122223333:alerts' };
const account = { accountId: '111122223333', partition: 'aws' };
const ordersBackups = 'arn:aws:rds:eu-central-1:111122223333:auto-backup:ab-orders';

/** Every plan alarm in the Lifeboat namespace, as `name region metric statistic threshold period x evaluations missing`. */
function plannedLifeboatAlarms(): string[] {
  return plan.stores
    .flatMap((store) => store.alarms)
    .filter((alarm) => alarm.namespace === 'Lifeboat')
    .map((a) => `${a.alarmName} ${a.region} ${a.metricName} ${a.statistic} ${a.threshold} ${a.periodSeconds}x${a.evaluationPeriods} ${a.treatMissingData}`)
    .sort();
}

describe('plan mapping for verification restores and probes', () => {
  it('renders every Lifeboat-namespace alarm of the example plan exactly once, as planned', () => {
    const out = synthStack((stack) => {
      for (const region of [plan.regions.primary, plan.regions.dr]) {
        const props = verificationRestorePropsFromPlan(plan, region, { alarmTopics: topics, automatedBackupsArns: { orders: ordersBackups } });
        if (props) new VerificationRestore(stack, `verify-${region}`, { ...props, evidence: { bucketName: 'shop-evidence-eu-central-1', region: 'eu-central-1', kmsKeyArn: 'arn:aws:kms:eu-central-1:123456789012:key/evidence' } });
      }
      new BackupAgeProbe(stack, 'probe', backupAgeProbePropsFromPlan(plan, { alarmTopics: topics, account })!);
      new ReplicationCheck(stack, 'replicas', replicationCheckPropsFromPlan(plan, { alarmTopics: topics })!);
    });
    const rendered = Object.values(resourcesOfType(out, 'aws_cloudwatch_metric_alarm'))
      .filter((alarm) => alarm.namespace === 'Lifeboat')
      .map((a) => `${a.alarm_name} ${a.region} ${a.metric_name} ${a.statistic} ${a.threshold} ${a.period}x${a.evaluation_periods} ${a.treat_missing_data}`)
      .sort();
    expect(plannedLifeboatAlarms().length).toBeGreaterThan(10);
    expect(rendered).toEqual(plannedLifeboatAlarms());
  });

  it('verifies each database in its planned region: orders from replicated backups in the DR region', () => {
    const dr = verificationRestorePropsFromPlan(plan, plan.regions.dr, { alarmTopics: topics, automatedBackupsArns: { orders: ordersBackups } })!;
    expect(dr.stores.map((store) => store.storeId)).toEqual(['orders']);
    expect(dr.stores[0]).toMatchObject({
      kind: 'instance',
      sourceIdentifier: 'shop-orders',
      sourceAutomatedBackupsArn: ordersBackups,
      identifierPrefix: 'lbv-shop-orders',
      scheduleExpression: 'rate(1 day)',
      scheduleIntervalSeconds: 86_400,
      port: 5432,
      databaseName: 'postgres',
    });
    // The freshness requirement becomes a freshness check with the planned maximum lag.
    expect(dr.stores[0].checks).toContainEqual({ type: 'freshness', table: 'public.orders', column: 'created_at', maxLagSeconds: 900 });
    expect(dr).toMatchObject({ vpcId: plan.network.dr.vpcId, subnetIds: plan.network.dr.subnetIds, namePrefix: 'shop' });
    const primary = verificationRestorePropsFromPlan(plan, plan.regions.primary, { alarmTopics: topics })!;
    expect(primary.stores.map((store) => [store.storeId, store.kind, store.sourceIdentifier]).sort()).toEqual([
      ['billing', 'instance', 'shop-billing'],
      ['ledger', 'cluster', 'shop-ledger'],
    ]);
    // Spec checks spell an absent bound as null; the handler takes it as absent.
    expect(primary.stores.find((store) => store.storeId === 'ledger')!.checks[0]).toEqual({ type: 'rowCount', table: 'ledger.entries', min: 1 });
  });

  it('with createVpcEndpoints, gives each verification region every API it calls: S3 by endpoint beside the evidence bucket, by NAT elsewhere', () => {
    const evidencePlan = plan.evidence ?? planEvidence(plan);
    expect(evidencePlan.region).toBe(plan.regions.dr);
    const out = synthStack((stack) => {
      new AwsProvider(stack, 'aws', { region: plan.regions.primary });
      const evidence = new EvidenceBucket(stack, 'evidence', { plan: evidencePlan, alarmTopics: topics }).destination;
      for (const region of [plan.regions.primary, plan.regions.dr]) {
        const props = verificationRestorePropsFromPlan(plan, region, { alarmTopics: topics, automatedBackupsArns: { orders: ordersBackups }, createVpcEndpoints: true });
        if (props) new VerificationRestore(stack, `verify-${region}`, { ...props, evidence });
      }
    });
    const endpoints = Object.values(resourcesOfType(out, 'aws_vpc_endpoint'));
    expect(endpoints.map((endpoint) => `${endpoint.region} ${endpoint.service_name}`).sort()).toEqual([
      'eu-central-1 com.amazonaws.eu-central-1.monitoring',
      'eu-central-1 com.amazonaws.eu-central-1.rds',
      'eu-central-1 com.amazonaws.eu-central-1.s3',
      'eu-west-1 com.amazonaws.eu-west-1.monitoring',
      'eu-west-1 com.amazonaws.eu-west-1.rds',
    ]);
    for (const endpoint of endpoints) {
      expect(endpoint.subnet_ids).toEqual(endpoint.region === plan.regions.dr ? plan.network.dr.subnetIds : plan.network.primary.subnetIds);
    }
    // The primary region's function (billing, ledger) writes to the evidence bucket in the DR region through NAT.
    const natEgress = Object.values(resourcesOfType(out, 'aws_vpc_security_group_egress_rule')).filter((rule) => rule.cidr_ipv4 !== undefined);
    expect(natEgress.map((rule) => [rule.region, rule.cidr_ipv4, rule.from_port, rule.description])).toEqual([
      [plan.regions.primary, '0.0.0.0/0', 443, `HTTPS to S3 in ${plan.regions.dr} for the evidence bucket (through NAT)`],
    ]);
    // `lifeboat check` passes on what it synthesizes.
    expect(checkDocument(out as never)).toEqual([]);
  });

  it('refuses a DR verification of an instance without the replicated backups to restore from', () => {
    expect(() => verificationRestorePropsFromPlan(plan, plan.regions.dr, { alarmTopics: topics })).toThrow(
      /automatedBackupsArns\.orders: required, the store is verified in the DR region eu-central-1/,
    );
  });

  it('refuses a hand-edited plan that verifies an Aurora cluster in the DR region, where it has no automated backups', () => {
    const edited = structuredClone(plan);
    const ledger = edited.stores.find((store) => store.id === 'ledger');
    if (ledger?.kind !== 'database' || !ledger.verification) throw new Error('the example has a verified Aurora store "ledger"');
    ledger.verification.region = edited.regions.dr;
    ledger.verification.regionRole = 'dr';
    expect(() => verificationRestorePropsFromPlan(edited, edited.regions.dr, { alarmTopics: topics, automatedBackupsArns: { orders: ordersBackups } })).toThrow(
      /ledger: an Aurora cluster's automated backups stay in eu-west-1, so it cannot be verified in eu-central-1: set verification.region to "primary"/,
    );
  });

  it('probes replicated backups and DR vault copies where the plan put them', () => {
    const props = backupAgeProbePropsFromPlan(plan, { alarmTopics: topics, account })!;
    const billing = props.stores.find((store) => store.storeId === 'billing')!;
    expect(billing).toMatchObject({
      kind: 'instance',
      identifier: 'shop-billing',
      drRegion: 'eu-central-1',
      replicatedBackups: true,
      backupVaults: [
        { region: 'eu-west-1', vaultName: 'shop-billing' },
        { region: 'eu-central-1', vaultName: 'shop-billing' },
      ],
      resourceArn: 'arn:aws:rds:eu-west-1:111122223333:db:shop-billing',
    });
    const ledger = props.stores.find((store) => store.storeId === 'ledger')!;
    expect(ledger).toMatchObject({ kind: 'cluster', resourceArn: 'arn:aws:rds:eu-west-1:111122223333:cluster:shop-ledger' });
    expect(ledger.drRegion).toBeUndefined();
  });

  it('refuses a planned probe alarm the probe would never feed', () => {
    const broken = structuredClone(plan);
    const billing = broken.stores.find((store) => store.id === 'billing')!;
    if (billing.kind !== 'database') throw new Error('billing is a database');
    billing.awsBackup = null;
    expect(() => backupAgeProbePropsFromPlan(broken, { alarmTopics: topics, account })).toThrow(
      /billing: plan alarm shop-billing-dr-backup-age watches BackupAgeSeconds in eu-central-1, which the probe does not publish/,
    );
  });

  it('checks replicas only for objects older than each bucket\'s region RPO', () => {
    const props = replicationCheckPropsFromPlan(plan, { alarmTopics: topics })!;
    expect(props.buckets.map((bucket) => [bucket.storeId, bucket.sourceBucket, bucket.replicaBucket, bucket.minAgeSeconds])).toEqual([
      ['audit-logs', 'shop-audit-logs-eu-west-1', 'shop-audit-logs-eu-central-1', 3600],
      ['documents', 'shop-documents-eu-west-1', 'shop-documents-eu-central-1', 900],
    ]);
  });
});
