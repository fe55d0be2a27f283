import { execFileSync } from 'node:child_process';
import { bucketNames, databaseNames, LONGEST_DATABASE_SUFFIX, RDS_IDENTIFIER_MAX } from '../../src/plan/naming';
import { renderRunbooks, restoreIdentifier, stampOf } from '../../src/runbook';
import { STAMP_SHELL_LINE } from '../../src/ops/context';
import { awsCommands, databaseStore, fixturePlan, planWithDrReplica } from './helpers';

const TIME = '2026-11-25T09:41:00Z';
const STAMP = '20261125t0941';

function runbook(files: ReturnType<typeof renderRunbooks>, id: string): string {
  const file = files.find((candidate) => candidate.path === `${id}.md`);
  if (!file) throw new Error(`no runbook for ${id}`);
  return file.content;
}

/** The commands of a runbook for one operation, as `--flag value` maps (flags without value map to ''). */
function invocations(markdown: string, service: string, operation: string): Array<Record<string, string>> {
  return awsCommands(markdown)
    .filter((words) => words[1] === service && words[2] === operation)
    .map((words) => {
      const options: Record<string, string> = {};
      let flag: string | null = null;
      for (const word of words.slice(3)) {
        if (word.startsWith('--')) {
          flag = word;
          options[flag] = '';
        } else if (flag) {
          options[flag] = options[flag] === '' ? word : `${options[flag]} ${word}`;
        }
      }
      return options;
    });
}

describe('database runbooks', () => {
  const plan = fixturePlan();
  const files = renderRunbooks(plan, { restoreTime: TIME });
  const orders = runbook(files, 'orders');
  const names = databaseNames(plan.name, 'orders');

  it('restores the primary to the given time into a new, private instance in the primary region', () => {
    expect(invocations(orders, 'rds', 'restore-db-instance-to-point-in-time')[0]).toEqual({
      '--source-db-instance-identifier': names.primary,
      '--target-db-instance-identifier': `${names.primary}-restore-${STAMP}`,
      '--restore-time': TIME,
      '--db-subnet-group-name': names.primary,
      '--vpc-security-group-ids': plan.network.primary.securityGroupIds.join(' '),
      '--db-instance-class': 'db.r6g.large',
      // A restore is for checking and switching: Multi-AZ comes back with Terraform after the switch.
      '--no-multi-az': '',
      '--no-publicly-accessible': '',
      '--deletion-protection': '',
      '--copy-tags-to-snapshot': '',
      '--backup-retention-period': '14',
      '--tags': `Key=lifeboat:created-by,Value=\${USER} Key=lifeboat:restore-of,Value=${names.primary} Key=lifeboat:restore-region,Value=eu-west-1 Key=lifeboat:restore-time,Value=${TIME} Key=lifeboat:stack,Value=shop Key=lifeboat:store,Value=orders`,
      '--region': 'eu-west-1',
    });
  });

  it('never restores onto an identifier that already exists', () => {
    const existing = new Set(
      plan.stores.flatMap((store) =>
        store.kind === 'database' ? [store.names.primary, store.names.dr, store.names.globalCluster, ...store.readReplicas.map((replica) => replica.identifier)] : [],
      ),
    );
    for (const file of [...files, ...renderRunbooks(planWithDrReplica())]) {
      for (const [operation, flag] of [
        ['restore-db-instance-to-point-in-time', '--target-db-instance-identifier'],
        ['restore-db-cluster-to-point-in-time', '--db-cluster-identifier'],
        ['restore-db-instance-from-db-snapshot', '--db-instance-identifier'],
      ] as const) {
        for (const restore of invocations(file.content, 'rds', operation)) {
          expect(restore[flag]).toMatch(/-restore-/);
          expect(existing.has(restore[flag] as string)).toBe(false);
        }
      }
    }
  });

  it('restores from the replicated automated backups in the DR region, into the DR subnets', () => {
    const [drRestore] = invocations(orders, 'rds', 'restore-db-instance-to-point-in-time').slice(1);
    expect(drRestore).toMatchObject({
      '--source-db-instance-automated-backups-arn': '${AUTOMATED_BACKUPS_ARN}',
      '--target-db-instance-identifier': `${names.dr}-restore-${STAMP}`,
      '--use-latest-restorable-time': '',
      '--db-subnet-group-name': names.dr,
      '--vpc-security-group-ids': plan.network.dr.securityGroupIds.join(' '),
      '--region': 'eu-central-1',
    });
    expect(invocations(orders, 'rds', 'create-db-subnet-group')[0]).toMatchObject({
      '--subnet-ids': plan.network.dr.subnetIds.join(' '),
      '--region': 'eu-central-1',
    });
  });

  it('states the objectives and design figures from the plan', () => {
    const scopes = databaseStore(plan, 'orders').scopes;
    expect(orders).toContain(
      `| Region outage | ${scopes.region.objective.rpo?.human} | ${scopes.region.objective.rto?.human} | ~${scopes.region.design?.rpo.human} | ~${scopes.region.design?.rto.human} | cross-region-backup-replication | yes |`,
    );
    expect(orders).toContain(`> **Expected:** objective for corruption (RPO ${scopes.corruption.objective.rpo?.human}, RTO ${scopes.corruption.objective.rto?.human})`);
  });

  it('shows every alarm of the store with its real dimensions', () => {
    const store = databaseStore(plan, 'orders');
    const described = invocations(orders, 'cloudwatch', 'describe-alarms').flatMap((call) => (call['--alarm-names'] ?? '').split(' '));
    expect(described.sort()).toEqual(store.alarms.map((alarm) => alarm.alarmName).sort());
    const lag = store.alarms.find((alarm) => alarm.metricName === 'RestorableLagSeconds');
    expect(invocations(orders, 'cloudwatch', 'get-metric-statistics')).toContainEqual(
      expect.objectContaining({
        '--metric-name': 'RestorableLagSeconds',
        '--dimensions': Object.entries(lag?.dimensions ?? {}).sort().map(([name, value]) => `Name=${name},Value=${value}`).join(' '),
        '--region': lag?.region,
      }),
    );
  });

  it('fails an Aurora global database over to the secondary in the DR region, and back', () => {
    const ledger = runbook(files, 'ledger');
    const global = databaseStore(plan, 'ledger').globalDatabase;
    expect(global).not.toBeNull();
    expect(invocations(ledger, 'rds', 'failover-global-cluster')).toEqual([
      {
        '--global-cluster-identifier': 'shop-ledger-global',
        '--target-db-cluster-identifier': '${TARGET_ARN}',
        '--allow-data-loss': '',
        '--region': 'eu-central-1',
      },
    ]);
    expect(invocations(ledger, 'rds', 'switchover-global-cluster').map((call) => call['--region'])).toEqual(['eu-central-1', 'eu-west-1']);
    expect(invocations(ledger, 'rds', 'describe-db-clusters')).toContainEqual({
      '--db-cluster-identifier': 'shop-ledger-dr',
      '--query': 'DBClusters[0].DBClusterArn',
      '--output': 'text',
      '--region': 'eu-central-1',
    });
    expect(invocations(ledger, 'rds', 'restore-db-cluster-to-point-in-time')[0]).toMatchObject({
      '--source-db-cluster-identifier': 'shop-ledger',
      '--db-cluster-identifier': `shop-ledger-restore-${STAMP}`,
      '--restore-to-time': TIME,
      '--region': 'eu-west-1',
    });
    expect(invocations(ledger, 'rds', 'create-db-instance')[0]).toMatchObject({
      '--db-cluster-identifier': `shop-ledger-restore-${STAMP}`,
      '--engine': 'aurora-postgresql',
    });
  });

  it('restores long-term data through AWS Backup (the same procedure lifeboat restore runs) and checks MySQL over verified TLS', () => {
    const billing = runbook(files, 'billing');
    expect(invocations(billing, 'backup', 'list-recovery-points-by-backup-vault').map((options) => [options['--backup-vault-name'], options['--by-resource-arn'], options['--region']])).toEqual([
      ['shop-billing', 'arn:aws:rds:eu-west-1:$ACCOUNT_ID:db:shop-billing', 'eu-west-1'],
      ['shop-billing', 'arn:aws:rds:eu-west-1:$ACCOUNT_ID:db:shop-billing', 'eu-central-1'],
    ]);
    expect(billing).toContain('lifeboat restore billing --to "$RECOVERY_POINT_ARN" --execute');
    const start = invocations(billing, 'backup', 'start-restore-job')[0];
    expect(start).toMatchObject({ '--recovery-point-arn': '${RECOVERY_POINT_ARN}', '--resource-type': 'RDS', '--iam-role-arn': 'arn:aws:iam::${ACCOUNT_ID}:role/shop-billing-backup', '--region': 'eu-west-1' });
    expect(JSON.parse(start?.['--metadata'] ?? '{}')).toMatchObject({ DBInstanceIdentifier: `shop-billing-restore-${STAMP}`, Engine: 'mysql', DBSubnetGroupName: 'shop-billing', VpcSecurityGroupIds: '["sg-0a1b2c3d4e5f60718"]', MultiAZ: 'false' });
    // The job is polled to COMPLETED; FAILED and ABORTED stop the wait at once instead of polling for six hours.
    expect(billing).toContain('wait_for "restore job ${RESTORE_JOB_ID}" COMPLETED 21600 30');
    expect(billing).toMatch(/\*"An error occurred"\*\|[^)]*FAILED\*\|ABORTED\*\)/);
    expect(invocations(billing, 'rds', 'restore-db-instance-from-db-snapshot')).toEqual([]);
    expect(billing).toContain('mysql --host="$TARGET_HOST" --port=3306 --user="$TARGET_USER" --ssl-ca=global-bundle.pem --ssl-mode=VERIFY_IDENTITY "$DB_NAME"');
  });

  it('a plan that names no AWS Backup role lists the recovery points and says what is missing instead of a restore that cannot work', () => {
    const older = fixturePlan();
    delete (databaseStore(older, 'billing').names as { awsBackup?: unknown }).awsBackup;
    const billing = runbook(renderRunbooks(older, { restoreTime: TIME }), 'billing');
    expect(billing).toContain('This plan names no AWS Backup service role for `billing`');
    expect(invocations(billing, 'backup', 'list-recovery-points-by-resource')).toHaveLength(2);
    expect(invocations(billing, 'backup', 'start-restore-job')).toEqual([]);
  });

  it('promotes the cross-region replica and rebuilds the primary from it to fail back', () => {
    const withReplica = runbook(renderRunbooks(planWithDrReplica(), { restoreTime: TIME }), 'orders');
    expect(invocations(withReplica, 'rds', 'promote-read-replica')[0]).toEqual({
      '--db-instance-identifier': 'shop-orders-dr',
      '--backup-retention-period': '14',
      '--preferred-backup-window': '03:00-04:00',
      '--region': 'eu-central-1',
    });
    expect(invocations(withReplica, 'rds', 'create-db-instance-read-replica')[0]).toMatchObject({
      '--db-instance-identifier': 'shop-orders',
      '--source-db-instance-identifier': 'arn:aws:rds:eu-central-1:${ACCOUNT_ID}:db:shop-orders-dr',
      '--kms-key-id': 'alias/shop-rds-eu-west-1',
      '--region': 'eu-west-1',
    });
    // The replicas follow the damaged instance after a restore; they are renamed out of the way, not reused.
    expect(invocations(withReplica, 'rds', 'modify-db-instance').map((call) => call['--new-db-instance-identifier'])).toEqual([
      undefined, // the restored instance gets its managed secret
      `shop-orders-damaged-${STAMP}`,
      'shop-orders',
      `shop-orders-dr-damaged-${STAMP}`,
      `shop-orders-1-damaged-${STAMP}`,
      undefined, // turns Multi-AZ on for the promoted replica
      `shop-orders-stale-${STAMP}`,
      `shop-orders-dr-retired-${STAMP}`,
    ]);
  });

  it('uses $RESTORE_TIME and a stamp derived from it when no time is given', () => {
    const generic = runbook(renderRunbooks(plan), 'orders');
    expect(invocations(generic, 'rds', 'restore-db-instance-to-point-in-time')[0]).toMatchObject({
      '--target-db-instance-identifier': 'shop-orders-restore-${RESTORE_STAMP}',
      '--restore-time': '${RESTORE_TIME}',
    });
    expect(generic).toContain(STAMP_SHELL_LINE);
  });
});

describe('bucket runbooks', () => {
  const plan = fixturePlan();
  const documents = runbook(renderRunbooks(plan, { restoreTime: TIME }), 'documents');
  const names = bucketNames(plan.name, 'documents', plan.regions.primary, plan.regions.dr);

  it('restores previous versions by copying them over, in the source region', () => {
    expect(invocations(documents, 's3api', 'copy-object')[0]).toEqual({
      '--bucket': names.source,
      '--key': '$KEY',
      '--copy-source': `${names.source}/$KEY?versionId=$VERSION_ID`,
      '--region': 'eu-west-1',
    });
    expect(documents).toContain(`jq -r --arg t "${TIME}"`);
  });

  it('reads from the replica in the DR region and copies the outage writes back to fail back', () => {
    expect(invocations(documents, 's3api', 'list-objects-v2')).toEqual([
      expect.objectContaining({ '--bucket': names.replica, '--region': 'eu-central-1' }),
      { '--bucket': names.replica, '--output': 'json', '--region': 'eu-central-1' },
    ]);
    expect(invocations(documents, 's3api', 'copy-object').at(-1)).toEqual({
      '--bucket': names.source,
      '--key': '$key',
      '--copy-source': `${names.replica}/$key`,
      '--region': 'eu-west-1',
    });
  });

  it('watches the replication metrics with the dimensions S3 publishes', () => {
    expect(invocations(documents, 'cloudwatch', 'get-metric-statistics')).toContainEqual(
      expect.objectContaining({
        '--namespace': 'AWS/S3',
        '--dimensions': `Name=DestinationBucket,Value=${names.replica} Name=RuleId,Value=lifeboat-dr Name=SourceBucket,Value=${names.source}`,
      }),
    );
  });
});

describe('restore identifiers and times', () => {
  it('derives the same stamp in TypeScript and in the shell line of step 0', () => {
    for (const time of ['2026-11-25T09:41:00Z', '2027-01-02T23:59:59Z', '2026-03-04T00:00:00.123Z']) {
      const shell = execFileSync('sh', ['-c', `${STAMP_SHELL_LINE}; printf '%s' "$RESTORE_STAMP"`], { env: { ...process.env, RESTORE_TIME: time } }).toString();
      expect(shell).toBe(stampOf(time));
    }
    expect(stampOf(TIME)).toBe(STAMP);
  });

  it('keeps every identifier the runbooks create or rename within RDS limits, even for the longest names', () => {
    // The spec allows `${name}-${id}` up to 63 - LONGEST_DATABASE_SUFFIX characters.
    const plan = planWithDrReplica();
    const longName = `s${'x'.repeat(RDS_IDENTIFIER_MAX - LONGEST_DATABASE_SUFFIX - 'orders'.length - 2)}`;
    plan.name = longName;
    for (const store of plan.stores) {
      if (store.kind !== 'database') continue;
      const names = databaseNames(longName, store.id);
      store.names = { ...store.names, primary: names.primary, dr: names.dr, finalSnapshot: names.finalSnapshot, globalCluster: names.globalCluster, verificationPrefix: names.verificationPrefix };
      store.readReplicas = store.readReplicas.map((replica) => ({ ...replica, identifier: replica.index === 0 ? names.dr : names.replica(replica.index) }));
      if (store.globalDatabase) {
        store.globalDatabase = { ...store.globalDatabase, globalClusterIdentifier: names.globalCluster, secondaryClusterIdentifier: names.dr };
      }
    }
    const identifierFlags = /^--(target-db-instance-identifier|db-instance-identifier|db-cluster-identifier|new-db-instance-identifier|new-db-cluster-identifier|global-cluster-identifier)$/;
    const identifiers = renderRunbooks(plan, { restoreTime: TIME }).flatMap((file) =>
      awsCommands(file.content).flatMap((words) => words.flatMap((word, index) => (identifierFlags.test(word) ? [words[index + 1] as string] : []))),
    );
    expect(identifiers.filter((identifier) => identifier.includes(longName.slice(0, 20))).length).toBeGreaterThan(30);
    for (const identifier of identifiers.filter((candidate) => !candidate.startsWith('arn:') && !candidate.startsWith('$'))) {
      expect({ identifier, valid: identifier.length <= RDS_IDENTIFIER_MAX && /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(identifier) }).toEqual({ identifier, valid: true });
    }
  });

  it('keeps restore identifiers within the RDS limit without a double hyphen', () => {
    const long = `a${'-b'.repeat(25)}-cdefghijkl`;
    const identifier = restoreIdentifier(long, STAMP);
    expect(identifier.length).toBeLessThanOrEqual(RDS_IDENTIFIER_MAX);
    expect(identifier).not.toMatch(/--/);
    expect(identifier.endsWith(`-restore-${STAMP}`)).toBe(true);
    expect(restoreIdentifier('shop-orders', STAMP)).toBe(`shop-orders-restore-${STAMP}`);
  });
});

describe('runbook format', () => {
  it('is stable (snapshot of every file for the example plan at a fixed restore time)', () => {
    const files = renderRunbooks(fixturePlan(), { restoreTime: TIME });
    expect(files.map((file) => file.path)).toEqual(['README.md', 'audit-logs.md', 'billing.md', 'documents.md', 'ledger.md', 'orders.md']);
    for (const file of files) expect(file.content).toMatchSnapshot(file.path);
  });

  it('is deterministic whatever the store order', () => {
    const plan = fixturePlan();
    const reversed = { ...plan, stores: [...plan.stores].reverse() };
    expect(renderRunbooks(reversed)).toEqual(renderRunbooks(plan));
  });
});

describe('alarm thresholds in runbooks', () => {
  it("prints an adopted database's free-storage threshold as its share of the allocated storage, not a literal 0", () => {
    const plan = fixturePlan();
    const orders = databaseStore(plan, 'orders');
    orders.alarms.push({
      ...orders.alarms[0],
      id: 'free-storage',
      alarmName: 'shop-orders-free-storage',
      namespace: 'AWS/RDS',
      metricName: 'FreeStorageSpace',
      dimensions: { DBInstanceIdentifier: orders.names.primary },
      statistic: 'Minimum',
      comparisonOperator: 'LessThanThreshold',
      threshold: 0,
      thresholdOfAllocatedStorage: 0.2,
      unit: 'Bytes',
    });
    const markdown = runbook(renderRunbooks(plan, { restoreTime: TIME }), 'orders');
    expect(markdown).toContain('# shop-orders-free-storage: alarms when FreeStorageSpace');
    expect(markdown).toMatch(/# shop-orders-free-storage: alarms when FreeStorageSpace .* 20% of allocated storage\n/);
    expect(markdown).not.toContain('0 (Bytes)');
    // An alarm with a literal threshold still prints the number and its unit.
    expect(markdown).toMatch(/# shop-orders-restorable-lag: alarms when RestorableLagSeconds .* 300 \(Seconds\)\n/);
  });
});

describe('ARN partitions in runbooks', () => {
  it('writes every ARN it builds in the partition of the plan\'s regions (China here), never arn:aws:', () => {
    // The example plan moved to China: every region in it (stores, replicas, the global secondary, names) replaced.
    const plan = JSON.parse(JSON.stringify(planWithDrReplica()).replaceAll('eu-west-1', 'cn-north-1').replaceAll('eu-central-1', 'cn-northwest-1'));
    const markdown = renderRunbooks(plan, { restoreTime: TIME })
      .map((file) => file.content)
      .join('\n');
    // The cross-region replica's source, the global cluster members, and the S3 Batch Operations bucket ARNs.
    expect(markdown).toMatch(/arn:aws-cn:rds:cn-northwest-1:\$\{?ACCOUNT_ID\}?:db:shop-orders-dr/);
    expect(markdown).toMatch(/arn:aws-cn:rds:cn-northwest-1:\$\{?ACCOUNT_ID\}?:cluster:/);
    expect(markdown).toMatch(/arn:aws-cn:s3:::/);
    expect(markdown).not.toMatch(/arn:aws:/);
  });
});
