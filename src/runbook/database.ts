import { databaseNames } from '../plan/naming';
import type { BackupPlan, Check, DatabaseStorePlan, Engine } from '../plan/types';
import { alarmCommands, expectation, header, objectivesSection, variablesSection } from './common';
import { incidentIdentifier, restoreIdentifier, restoreTimeText, type RestoreTimeText, type RunbookOptions } from './context';
import { awsCommand, awsWait, code, codeBlock, table, type CommandOption } from './markdown';

const rds = (operation: string, options: readonly CommandOption[], region: string) => awsCommand('rds', operation, options, region);

const RDS_CA_BUNDLE = 'curl -sSo global-bundle.pem https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem';

function isPostgres(engine: Engine): boolean {
  return engine === 'postgres' || engine === 'aurora-postgresql';
}

function defaultPort(engine: Engine): number {
  return isPostgres(engine) ? 5432 : 3306;
}

/** Facts every section needs, computed once from the plan. */
interface DatabaseContext {
  plan: BackupPlan;
  store: DatabaseStorePlan;
  time: RestoreTimeText;
  primaryRegion: string;
  drRegion: string;
  /** Identifier of the new instance or cluster a point-in-time restore creates. */
  target: string;
  securityGroups: string[];
  drSecurityGroups: string[];
  aurora: boolean;
}

function restoreTags(context: DatabaseContext, source: string, restoreTime = context.time.time): string[] {
  return [`Key=lifeboat:restore-of,Value=${source}`, `Key=lifeboat:restore-time,Value=${restoreTime}`, `Key=lifeboat:store,Value=${context.store.id}`];
}

function resourcesSection(context: DatabaseContext): string {
  const { store, primaryRegion, drRegion, plan } = context;
  const kind = context.aurora ? 'cluster' : 'instance';
  const rows: string[][] = [[`Primary ${kind}`, code(store.names.primary), primaryRegion]];
  for (const replica of store.readReplicas) {
    rows.push([replica.index === 0 ? 'Cross-region read replica' : `Read replica ${replica.index}`, code(replica.identifier), replica.region]);
  }
  if (context.aurora) {
    rows.push(['Cluster instances', code(`${databaseNames(plan.name, store.id).replica(1)}`) + ', ...', primaryRegion]);
  }
  if (store.globalDatabase) {
    rows.push(['Global cluster', code(store.globalDatabase.globalClusterIdentifier), 'global']);
    rows.push(['Secondary cluster', code(store.globalDatabase.secondaryClusterIdentifier), store.globalDatabase.secondaryRegion]);
  }
  rows.push([`DB subnet group`, code(store.names.primary), primaryRegion]);
  rows.push(['Final snapshot (taken only if Terraform ever destroys it)', code(store.names.finalSnapshot), primaryRegion]);
  rows.push(['Automated backups', `${store.backup.retentionDays} days, window ${store.backup.backupWindow} UTC`, primaryRegion]);
  if (store.crossRegionBackupReplication) {
    rows.push(['Replicated automated backups', `${store.crossRegionBackupReplication.retentionDays} days`, store.crossRegionBackupReplication.region]);
  }
  for (const rule of store.awsBackup?.rules ?? []) {
    rows.push([
      `AWS Backup rule ${code(rule.name)}`,
      `${rule.scheduleExpression}, kept ${rule.retentionDays} days${rule.copyToDr ? `, copied to ${drRegion} (kept ${rule.drRetentionDays ?? rule.retentionDays} days)` : ''}`,
      primaryRegion,
    ]);
  }
  if (store.backtrack) rows.push(['Backtrack window', store.backtrack.window, primaryRegion]);
  if (store.verification) {
    rows.push(['Verification restores (temporary)', `${code(`${store.verification.instancePrefix}*`)}, ${store.verification.scheduleExpression}`, store.verification.region]);
  }
  return ['## Resources', '', table(['What', 'Identifier / setting', 'Region'], rows)].join('\n');
}

function situationsSection(context: DatabaseContext): string {
  const { store } = context;
  const regionProcedure = store.globalDatabase
    ? '5. Fail over to the global secondary'
    : store.readReplicas.some((replica) => replica.index === 0)
      ? '5. Promote the cross-region replica'
      : store.crossRegionBackupReplication
        ? '5. Restore from the replicated backups in the DR region'
        : store.awsBackup?.rules.some((rule) => rule.copyToDr)
          ? '7. Restore from an AWS Backup copy in the DR region'
          : 'none in this plan: see the objectives table';
  const azProcedure = store.multiAz
    ? 'none: Multi-AZ fails over by itself; follow 1. Assess until the instance is available'
    : '2. Restore to a point in time, with the latest restorable time';
  return [
    '## Which procedure',
    '',
    table(
      ['Situation', 'Procedure'],
      [
        ['Logical damage: bad migration, deleted or corrupted rows, compromised credentials', '2. Restore to a point in time, then 3, 4'],
        ['Primary instance or Availability Zone failure', azProcedure],
        ['Region outage', `${regionProcedure}, then 6 when the region is back`],
        ...(store.awsBackup ? [['Data older than the automated backups', '7. Restore from AWS Backup']] : []),
      ],
    ),
    '',
    `Never restore over ${code(store.names.primary)}: every restore creates a new ${context.aurora ? 'cluster' : 'instance'}, ` +
      'and the damaged one stays untouched (evidence and fallback) until the objectives hold again.',
  ].join('\n');
}

function assessSection(context: DatabaseContext): string {
  const { store, primaryRegion } = context;
  const blocks: string[] = [];
  if (context.aurora) {
    blocks.push(
      rds(
        'describe-db-clusters',
        [
          ['--db-cluster-identifier', store.names.primary],
          ['--query', 'DBClusters[0].{Status:Status,Writer:DBClusterMembers[?IsClusterWriter].DBInstanceIdentifier|[0],EarliestRestorableTime:EarliestRestorableTime,LatestRestorableTime:LatestRestorableTime}'],
          ['--output', 'table'],
        ],
        primaryRegion,
      ),
    );
    if (store.globalDatabase) {
      blocks.push(
        rds(
          'describe-global-clusters',
          [
            ['--global-cluster-identifier', store.globalDatabase.globalClusterIdentifier],
            ['--query', 'GlobalClusters[0].GlobalClusterMembers[].[DBClusterArn,IsWriter,GlobalWriteForwardingStatus,SynchronizationStatus]'],
            ['--output', 'table'],
          ],
          store.globalDatabase.secondaryRegion,
        ),
      );
    }
  } else {
    blocks.push(
      rds(
        'describe-db-instances',
        [
          ['--db-instance-identifier', store.names.primary],
          ['--query', 'DBInstances[0].{Status:DBInstanceStatus,MultiAZ:MultiAZ,AZ:AvailabilityZone,SecondaryAZ:SecondaryAvailabilityZone,LatestRestorableTime:LatestRestorableTime}'],
          ['--output', 'table'],
        ],
        primaryRegion,
      ),
      rds(
        'describe-db-instance-automated-backups',
        [
          ['--db-instance-identifier', store.names.primary],
          ['--query', 'DBInstanceAutomatedBackups[].[Region,Status,RestoreWindow.EarliestTime,RestoreWindow.LatestTime]'],
          ['--output', 'table'],
        ],
        primaryRegion,
      ),
    );
    for (const replica of store.readReplicas) {
      blocks.push(
        rds(
          'describe-db-instances',
          [
            ['--db-instance-identifier', replica.identifier],
            ['--query', 'DBInstances[0].[DBInstanceIdentifier,DBInstanceStatus,ReadReplicaSourceDBInstanceIdentifier,StatusInfos[0].Status]'],
            ['--output', 'text'],
          ],
          replica.region,
        ),
      );
    }
    if (store.crossRegionBackupReplication) {
      blocks.push(
        rds(
          'describe-db-instance-automated-backups',
          [
            ['--db-instance-identifier', store.names.primary],
            ['--query', 'DBInstanceAutomatedBackups[].[Region,Status,RestoreWindow.EarliestTime,RestoreWindow.LatestTime]'],
            ['--output', 'table'],
          ],
          store.crossRegionBackupReplication.region,
        ),
      );
    }
  }
  blocks.push(
    rds(
      'describe-events',
      [
        ['--source-type', context.aurora ? 'db-cluster' : 'db-instance'],
        ['--source-identifier', store.names.primary],
        ['--duration', '1440'],
        ['--query', 'Events[].[Date,Message]'],
        ['--output', 'text'],
      ],
      primaryRegion,
    ),
  );
  const alarms = alarmCommands(store.alarms);
  return [
    '## 1. Assess',
    '',
    `State of the ${context.aurora ? 'cluster' : 'instance and its replicas'}, the restorable window, and the events of the last day:`,
    '',
    codeBlock(blocks),
    ...(alarms.length > 0
      ? ['', 'Lifeboat alarms of this store, and the last three hours of the metrics behind them:', '', codeBlock(alarms)]
      : []),
    '',
    'Pick `RESTORE_TIME` (step 0) inside the restore window and before the damage; the RDS events and the ' +
      "application's logs usually date the damage to the minute.",
  ].join('\n');
}

function instanceRestoreSection(context: DatabaseContext): string {
  const { store, primaryRegion, target, time } = context;
  const options: CommandOption[] = [
    ['--source-db-instance-identifier', store.names.primary],
    ['--target-db-instance-identifier', target],
    ['--restore-time', time.time],
    ['--db-subnet-group-name', store.names.primary],
    ...(context.securityGroups.length > 0 ? [['--vpc-security-group-ids', ...context.securityGroups] as const] : []),
    ...(store.instanceClass ? [['--db-instance-class', store.instanceClass] as const] : []),
    [store.multiAz ? '--multi-az' : '--no-multi-az'],
    ['--no-publicly-accessible'],
    ['--deletion-protection'],
    ['--copy-tags-to-snapshot'],
    ['--manage-master-user-password'],
    ['--backup-retention-period', String(store.backup.retentionDays)],
    ['--tags', ...restoreTags(context, store.names.primary)],
  ];
  return [
    '## 2. Restore to a point in time into a new instance',
    '',
    expectation(store, 'corruption', 'Restore time grows with the database size and the log replayed since the last snapshot'),
    '',
    `The new instance ${code(target)} is encrypted with the source's KMS key (RDS keeps it for same-region restores), ` +
      'private, deletion-protected, and gets its own master-user secret.',
    '',
    codeBlock([
      rds('restore-db-instance-to-point-in-time', options, primaryRegion),
      '',
      awsWait('rds', 'db-instance-available', [['--db-instance-identifier', target]], primaryRegion),
    ]),
    '',
    'For an Availability Zone failure without Multi-AZ, replace `--restore-time ...` with `--use-latest-restorable-time`.',
  ].join('\n');
}

function clusterRestoreSection(context: DatabaseContext): string {
  const { store, primaryRegion, target, time } = context;
  const instanceId = `${target}-1`;
  const clusterOptions: CommandOption[] = [
    ['--source-db-cluster-identifier', store.names.primary],
    ['--db-cluster-identifier', target],
    ['--restore-to-time', time.time],
    ['--restore-type', 'full-copy'],
    ['--db-subnet-group-name', store.names.primary],
    ...(context.securityGroups.length > 0 ? [['--vpc-security-group-ids', ...context.securityGroups] as const] : []),
    ['--deletion-protection'],
    ['--copy-tags-to-snapshot'],
    ['--backup-retention-period', String(store.backup.retentionDays)],
    ['--tags', ...restoreTags(context, store.names.primary)],
  ];
  const instanceOptions: CommandOption[] = [
    ['--db-instance-identifier', instanceId],
    ['--db-cluster-identifier', target],
    ['--engine', store.engine],
    ...(store.instanceClass ? [['--db-instance-class', store.instanceClass] as const] : []),
    ['--no-publicly-accessible'],
    ['--tags', ...restoreTags(context, store.names.primary)],
  ];
  return [
    '## 2. Restore to a point in time into a new cluster',
    '',
    expectation(store, 'corruption', 'The cluster restore is followed by creating its first instance'),
    '',
    `The new cluster ${code(target)} keeps the source's KMS key, stays private and deletion-protected. ` +
      (store.backtrack
        ? `Backtrack (${store.backtrack.window}) would rewind ${code(store.names.primary)} in place; this runbook restores into a new cluster instead so the damaged data stays available for comparison.`
        : ''),
    '',
    codeBlock([
      rds('restore-db-cluster-to-point-in-time', clusterOptions, primaryRegion),
      '',
      awsWait('rds', 'db-cluster-available', [['--db-cluster-identifier', target]], primaryRegion),
      '',
      rds('create-db-instance', instanceOptions, primaryRegion),
      '',
      awsWait('rds', 'db-instance-available', [['--db-instance-identifier', instanceId]], primaryRegion),
      '',
      '# A restored cluster keeps the old master password; give it its own managed secret.',
      rds('modify-db-cluster', [['--db-cluster-identifier', target], ['--manage-master-user-password'], ['--apply-immediately']], primaryRegion),
    ]),
  ].join('\n');
}

function checkSql(check: Check, engine: Engine, time: RestoreTimeText): string {
  switch (check.type) {
    case 'tableExists':
      return isPostgres(engine)
        ? `select to_regclass('${check.table}') is not null as table_exists;  -- ${check.table}: expected true`
        : `select count(*) = 1 as table_exists from information_schema.tables where table_schema = database() and table_name = '${check.table}';`;
    case 'rowCount':
      return `select count(*) as row_count from ${check.table};  -- expected ${check.min ?? 0} to ${check.max ?? 'any number of'} rows`;
    case 'freshness': {
      const lag = check.maxLagSeconds !== null ? ` and at most ${check.maxLagSeconds} s before it` : '';
      const restoreTime = time.literal ? time.time : 'RESTORE_TIME';
      return `select max(${check.column}) as newest_row from ${check.table};  -- expected at or before ${restoreTime}${lag}`;
    }
    case 'sql':
      return `-- ${check.name}: expected ${JSON.stringify(check.expect)}\n${check.sql.trim().replace(/;?$/, ';')}`;
  }
}

/** Shell lines exporting `<PREFIX>_HOST`, `_USER`, `_PASSWORD` of an instance or cluster from RDS and its managed secret. */
function connectionLines(context: DatabaseContext, identifier: string, prefix: string): string[] {
  const region = context.primaryRegion;
  const query = (path: string) =>
    context.aurora
      ? `aws rds describe-db-clusters --db-cluster-identifier ${identifier} --query 'DBClusters[0].${path.replace('Endpoint.Address', 'Endpoint')}' --output text --region ${region}`
      : `aws rds describe-db-instances --db-instance-identifier ${identifier} --query 'DBInstances[0].${path}' --output text --region ${region}`;
  const secret = `aws secretsmanager get-secret-value --secret-id "$${prefix}_SECRET_ARN" --query SecretString --output text --region ${region}`;
  return [
    `export ${prefix}_HOST="$(${query('Endpoint.Address')})"`,
    `export ${prefix}_SECRET_ARN="$(${query('MasterUserSecret.SecretArn')})"`,
    `export ${prefix}_USER="$(${secret} | jq -r .username)"`,
    `export ${prefix}_PASSWORD="$(${secret} | jq -r .password)"`,
  ];
}

function verifySection(context: DatabaseContext): string {
  const { store, target, time } = context;
  const engine = store.engine;
  const port = defaultPort(engine);
  const checks = store.verification?.checks ?? [];
  const sqlLines = checks.map((check) => checkSql(check, engine, time));
  const client = isPostgres(engine)
    ? `PGPASSWORD="$TARGET_PASSWORD" psql "host=$TARGET_HOST port=${port} dbname=$DB_NAME user=$TARGET_USER sslmode=verify-full sslrootcert=global-bundle.pem"`
    : `MYSQL_PWD="$TARGET_PASSWORD" mysql --host="$TARGET_HOST" --port=${port} --user="$TARGET_USER" --ssl-ca=global-bundle.pem ${
        engine === 'mariadb' ? '--ssl-verify-server-cert' : '--ssl-mode=VERIFY_IDENTITY'
      } "$DB_NAME"`;
  const scheme = isPostgres(engine) ? 'postgres' : 'mysql';
  const url = (prefix: string) =>
    `${scheme}://$${prefix}_USER:$(jq -rn --arg p "$${prefix}_PASSWORD" '$p|@uri')@$${prefix}_HOST:${port}/$DB_NAME`;
  return [
    '## 3. Verify the restored database',
    '',
    `Connect from a host inside the VPC: the restore is private, behind ${context.securityGroups.map(code).join(', ') || 'the default security group'}.`,
    '',
    codeBlock([RDS_CA_BUNDLE, ...connectionLines(context, target, 'TARGET'), ...connectionLines(context, store.names.primary, 'SOURCE')]),
    '',
    ...(sqlLines.length > 0
      ? ["The plan's verification checks, as the scheduled verification runs them:", '', codeBlock([`${client} <<'SQL'`, ...sqlLines, 'SQL']), '']
      : [`The plan has no verification checks for ${code(store.id)}; check the tables your application cannot live without.`, '']),
    'Compare with the source table by table (fingerprints computed on the servers, no rows copied) to see exactly what the restore changes:',
    '',
    codeBlock([`lifeboat diff \\\n  --source "${url('SOURCE')}" \\\n  --target "${url('TARGET')}"`]),
  ].join('\n');
}

function terraformReconcile(context: DatabaseContext, region: string): string[] {
  const type = context.aurora ? 'aws_rds_cluster' : 'aws_db_instance';
  const attribute = context.aurora ? 'cluster_identifier' : 'identifier';
  return [
    `# Terraform still tracks the old ${context.aurora ? 'cluster' : 'instance'} by its resource id. Find the addresses of this store:`,
    `for address in $(terraform -chdir="$TF_STACK_DIR" state list | grep '^${type}\\.'); do`,
    `  printf '%s %s\\n' "$address" "$(terraform -chdir="$TF_STACK_DIR" state show "$address" | awk '$1 == "${attribute}" {print $3}')"`,
    'done',
    `# Forget the renamed ones (state rm deletes nothing in AWS), adopt the new ${code(context.store.names.primary)}:`,
    'terraform -chdir="$TF_STACK_DIR" state rm ADDRESS_OF_EACH_RENAMED_ONE',
    `terraform -chdir="$TF_STACK_DIR" import ADDRESS_OF_${context.aurora ? 'CLUSTER' : 'INSTANCE'} ${context.store.names.primary}`,
    `# Review: the plan must show no destroy (prevent_destroy would stop it anyway). Region ${region}.`,
    'cdktf diff && cdktf deploy',
  ];
}

function switchSection(context: DatabaseContext): string {
  const { store, primaryRegion, target, time } = context;
  const damaged = incidentIdentifier(store.names.primary, 'damaged', time.stamp);
  const renameOperation = context.aurora ? 'modify-db-cluster' : 'modify-db-instance';
  const identifierFlag = context.aurora ? '--db-cluster-identifier' : '--db-instance-identifier';
  const newFlag = context.aurora ? '--new-db-cluster-identifier' : '--new-db-instance-identifier';
  const waiter = context.aurora ? 'db-cluster-available' : 'db-instance-available';
  const rename = (from: string, to: string, region: string) =>
    [
      rds(renameOperation, [[identifierFlag, from], [newFlag, to], ['--apply-immediately']], region),
      awsWait('rds', waiter, [[identifierFlag, to]], region),
    ].join('\n');
  const replicas = context.aurora ? [] : store.readReplicas;
  return [
    '## 4. Switch traffic',
    '',
    `Swap names so applications keep their endpoint: the damaged ${context.aurora ? 'cluster' : 'instance'} becomes ` +
      `${code(damaged)}, the restored one takes ${code(store.names.primary)}. Stop writers first; after the rename the ` +
      'DNS name points at the restored data (clients reconnect within their DNS TTL).',
    '',
    codeBlock([rename(store.names.primary, damaged, primaryRegion), '', rename(target, store.names.primary, primaryRegion)]),
    ...(replicas.length > 0
      ? [
          '',
          `The read replicas still follow the damaged instance. Rename them out of the way too; \`cdktf deploy\` below recreates ${replicas
            .map((replica) => code(replica.identifier))
            .join(', ')} from the restored primary:`,
          '',
          codeBlock(replicas.map((replica) => rename(replica.identifier, incidentIdentifier(replica.identifier, 'damaged', time.stamp), replica.region))),
        ]
      : []),
    ...(store.globalDatabase ? ['', globalRebuild(context)] : []),
    '',
    codeBlock(terraformReconcile(context, primaryRegion)),
    '',
    `Delete the ${code(damaged)} copies only once the objectives hold again (turn off their deletion protection explicitly).`,
  ].join('\n');
}

/**
 * After a corruption restore of a global database, the secondary holds the same damage: the restored cluster must
 * become the primary of a fresh global cluster, and Terraform rebuilds the secondary from it.
 */
function globalRebuild(context: DatabaseContext): string {
  const { store, primaryRegion, time } = context;
  const global = store.globalDatabase;
  if (!global) return '';
  const damaged = incidentIdentifier(store.names.primary, 'damaged', time.stamp);
  const damagedSecondary = incidentIdentifier(global.secondaryClusterIdentifier, 'damaged', time.stamp);
  return [
    `The secondary ${code(global.secondaryClusterIdentifier)} replicated the damage. Take both damaged clusters out of ` +
      `${code(global.globalClusterIdentifier)} and recreate the global cluster from the restored primary; \`cdktf deploy\` ` +
      'below then rebuilds the secondary from it:',
    '',
    codeBlock([
      'export ACCOUNT_ID="$(aws sts get-caller-identity --query Account --output text)"',
      rds(
        'remove-from-global-cluster',
        [['--global-cluster-identifier', global.globalClusterIdentifier], ['--db-cluster-identifier', `arn:aws:rds:${global.secondaryRegion}:$ACCOUNT_ID:cluster:${global.secondaryClusterIdentifier}`]],
        global.secondaryRegion,
      ),
      rds(
        'remove-from-global-cluster',
        [['--global-cluster-identifier', global.globalClusterIdentifier], ['--db-cluster-identifier', `arn:aws:rds:${primaryRegion}:$ACCOUNT_ID:cluster:${damaged}`]],
        primaryRegion,
      ),
      rds('modify-db-cluster', [['--db-cluster-identifier', global.secondaryClusterIdentifier], ['--new-db-cluster-identifier', damagedSecondary], ['--apply-immediately']], global.secondaryRegion),
      rds('modify-global-cluster', [['--global-cluster-identifier', global.globalClusterIdentifier], ['--no-deletion-protection']], primaryRegion),
      rds('delete-global-cluster', [['--global-cluster-identifier', global.globalClusterIdentifier]], primaryRegion),
      rds(
        'create-global-cluster',
        [
          ['--global-cluster-identifier', global.globalClusterIdentifier],
          ['--source-db-cluster-identifier', `arn:aws:rds:${primaryRegion}:$ACCOUNT_ID:cluster:${store.names.primary}`],
          ['--deletion-protection'],
        ],
        primaryRegion,
      ),
    ]),
  ].join('\n');
}

function failoverSection(context: DatabaseContext): string {
  const { store, drRegion, time } = context;
  const lines: string[] = [];
  const drReplica = store.readReplicas.find((replica) => replica.index === 0);
  if (store.globalDatabase) {
    const global = store.globalDatabase;
    lines.push(
      '## 5. Fail over to the global secondary',
      '',
      expectation(store, 'region', 'Unplanned failover loses what had not reached the secondary (see AuroraGlobalDBReplicationLag above)'),
      '',
      codeBlock([
        `export SECONDARY_ARN="$(aws rds describe-db-clusters --db-cluster-identifier ${global.secondaryClusterIdentifier} --query 'DBClusters[0].DBClusterArn' --output text --region ${global.secondaryRegion})"`,
        '',
        '# Planned (both regions healthy, no data loss): switchover.',
        rds('switchover-global-cluster', [['--global-cluster-identifier', global.globalClusterIdentifier], ['--target-db-cluster-identifier', '$SECONDARY_ARN']], global.secondaryRegion),
        '',
        '# Unplanned (primary region down): failover, accepting the replication lag as data loss.',
        rds(
          'failover-global-cluster',
          [['--global-cluster-identifier', global.globalClusterIdentifier], ['--target-db-cluster-identifier', '$SECONDARY_ARN'], ['--allow-data-loss']],
          global.secondaryRegion,
        ),
        '',
        awsWait('rds', 'db-cluster-available', [['--db-cluster-identifier', global.secondaryClusterIdentifier]], global.secondaryRegion),
      ]),
      '',
      `Point applications at the writer endpoint of ${code(global.secondaryClusterIdentifier)} in ${code(global.secondaryRegion)}` +
        (global.secondaryInstances === 0 ? ' after adding a writer instance (the secondary is headless in this plan):' : '.'),
      ...(global.secondaryInstances === 0
        ? [
            '',
            codeBlock([
              rds(
                'create-db-instance',
                [
                  ['--db-instance-identifier', `${global.secondaryClusterIdentifier}-1`],
                  ['--db-cluster-identifier', global.secondaryClusterIdentifier],
                  ['--engine', store.engine],
                  ...(store.instanceClass ? [['--db-instance-class', store.instanceClass] as const] : []),
                  ['--no-publicly-accessible'],
                ],
                global.secondaryRegion,
              ),
            ]),
          ]
        : []),
    );
  } else if (drReplica) {
    lines.push(
      '## 5. Promote the cross-region replica',
      '',
      expectation(store, 'region', 'Writes the replica had not received (ReplicaLag above) are lost'),
      '',
      `Promotion is one-way: ${code(drReplica.identifier)} becomes a standalone primary in ${code(drReplica.region)}.`,
      '',
      codeBlock([
        rds(
          'promote-read-replica',
          [
            ['--db-instance-identifier', drReplica.identifier],
            ['--backup-retention-period', String(store.backup.retentionDays)],
            ['--preferred-backup-window', store.backup.backupWindow],
          ],
          drReplica.region,
        ),
        awsWait('rds', 'db-instance-available', [['--db-instance-identifier', drReplica.identifier]], drReplica.region),
        ...(store.multiAz
          ? ['', rds('modify-db-instance', [['--db-instance-identifier', drReplica.identifier], ['--multi-az'], ['--apply-immediately']], drReplica.region)]
          : []),
      ]),
      '',
      `Point applications at the endpoint of ${code(drReplica.identifier)}. Do not run \`cdktf deploy\` for this stack until step 6: ` +
        'Terraform still describes the replica as a replica.',
    );
  } else if (store.crossRegionBackupReplication) {
    const replication = store.crossRegionBackupReplication;
    const target = restoreIdentifier(store.names.dr, time.stamp);
    lines.push(
      '## 5. Restore from the replicated backups in the DR region',
      '',
      expectation(store, 'region', 'Data after the newest replicated log is lost'),
      '',
      codeBlock([
        `export AUTOMATED_BACKUPS_ARN="$(aws rds describe-db-instance-automated-backups --db-instance-identifier ${store.names.primary} --query 'DBInstanceAutomatedBackups[0].DBInstanceAutomatedBackupsArn' --output text --region ${replication.region})"`,
        '',
        '# Once per DR region; skip if it exists from an earlier drill.',
        rds(
          'create-db-subnet-group',
          [
            ['--db-subnet-group-name', store.names.dr],
            ['--db-subnet-group-description', `DR restores of ${store.names.primary}`],
            ['--subnet-ids', ...context.plan.network.dr.subnetIds],
          ],
          replication.region,
        ),
        '',
        rds(
          'restore-db-instance-to-point-in-time',
          [
            ['--source-db-instance-automated-backups-arn', '$AUTOMATED_BACKUPS_ARN'],
            ['--target-db-instance-identifier', target],
            ['--use-latest-restorable-time'],
            ['--db-subnet-group-name', store.names.dr],
            ...(context.drSecurityGroups.length > 0 ? [['--vpc-security-group-ids', ...context.drSecurityGroups] as const] : []),
            ...(store.instanceClass ? [['--db-instance-class', store.instanceClass] as const] : []),
            [store.multiAz ? '--multi-az' : '--no-multi-az'],
            ['--no-publicly-accessible'],
            ['--deletion-protection'],
            ['--copy-tags-to-snapshot'],
            ['--manage-master-user-password'],
            ['--tags', ...restoreTags(context, store.names.primary, 'latest')],
          ],
          replication.region,
        ),
        awsWait('rds', 'db-instance-available', [['--db-instance-identifier', target]], replication.region),
      ]),
    );
  } else {
    lines.push(
      '## 5. Region outage',
      '',
      `This plan has no standby or replicated backup for ${code(store.id)} in ${code(drRegion)}` +
        (store.awsBackup?.rules.some((rule) => rule.copyToDr) ? ': use the AWS Backup copies (step 7) in the DR region.' : '; the data is unavailable until the primary region recovers.'),
    );
  }
  return lines.join('\n');
}

function failbackSection(context: DatabaseContext): string {
  const { store, primaryRegion, time } = context;
  if (store.globalDatabase) {
    const global = store.globalDatabase;
    return [
      '## 6. Fail back',
      '',
      `When ${code(primaryRegion)} is healthy, ${code(store.names.primary)} rejoins the global cluster as a secondary ` +
        '(after an unplanned failover it is rebuilt from the new primary). Wait until it is a member and in sync, then switch over back:',
      '',
      codeBlock([
        rds(
          'describe-global-clusters',
          [
            ['--global-cluster-identifier', global.globalClusterIdentifier],
            ['--query', 'GlobalClusters[0].GlobalClusterMembers[].[DBClusterArn,IsWriter,SynchronizationStatus]'],
            ['--output', 'table'],
          ],
          primaryRegion,
        ),
        `export PRIMARY_ARN="$(aws rds describe-db-clusters --db-cluster-identifier ${store.names.primary} --query 'DBClusters[0].DBClusterArn' --output text --region ${primaryRegion})"`,
        rds('switchover-global-cluster', [['--global-cluster-identifier', global.globalClusterIdentifier], ['--target-db-cluster-identifier', '$PRIMARY_ARN']], primaryRegion),
      ]),
      '',
      'Then `cdktf diff` must show no changes to the clusters.',
    ].join('\n');
  }
  const drReplica = store.readReplicas.find((replica) => replica.index === 0);
  if (!drReplica) {
    return [
      '## 6. Fail back',
      '',
      `When ${code(primaryRegion)} is healthy, compare ${code(store.names.primary)} with the DR restore (\`lifeboat diff\`, step 3), ` +
        'copy the writes made in the DR region back, and switch applications back to the primary endpoint.',
    ].join('\n');
  }
  const stale = incidentIdentifier(store.names.primary, 'stale', time.stamp);
  const retired = incidentIdentifier(drReplica.identifier, 'retired', time.stamp);
  return [
    '## 6. Fail back',
    '',
    `When ${code(primaryRegion)} is healthy: ${code(store.names.primary)} is stale. Rebuild the primary as a replica of the ` +
      `promoted ${code(drReplica.identifier)}, then promote it back during a short write freeze.`,
    '',
    codeBlock([
      'export ACCOUNT_ID="$(aws sts get-caller-identity --query Account --output text)"',
      `export PRIMARY_KMS_KEY="$(aws rds describe-db-instances --db-instance-identifier ${store.names.primary} --query 'DBInstances[0].KmsKeyId' --output text --region ${primaryRegion})"`,
      rds('modify-db-instance', [['--db-instance-identifier', store.names.primary], ['--new-db-instance-identifier', stale], ['--apply-immediately']], primaryRegion),
      awsWait('rds', 'db-instance-available', [['--db-instance-identifier', stale]], primaryRegion),
      '',
      rds(
        'create-db-instance-read-replica',
        [
          ['--db-instance-identifier', store.names.primary],
          ['--source-db-instance-identifier', `arn:aws:rds:${drReplica.region}:$ACCOUNT_ID:db:${drReplica.identifier}`],
          ['--kms-key-id', '$PRIMARY_KMS_KEY'],
          ['--db-subnet-group-name', store.names.primary],
          ...(context.securityGroups.length > 0 ? [['--vpc-security-group-ids', ...context.securityGroups] as const] : []),
          ...(store.instanceClass ? [['--db-instance-class', store.instanceClass] as const] : []),
          ['--no-publicly-accessible'],
          ['--deletion-protection'],
          ['--copy-tags-to-snapshot'],
        ],
        primaryRegion,
      ),
      awsWait('rds', 'db-instance-available', [['--db-instance-identifier', store.names.primary]], primaryRegion),
      '',
      '# Freeze writes, wait for ReplicaLag 0 on the new replica, then promote it back:',
      rds(
        'promote-read-replica',
        [
          ['--db-instance-identifier', store.names.primary],
          ['--backup-retention-period', String(store.backup.retentionDays)],
          ['--preferred-backup-window', store.backup.backupWindow],
        ],
        primaryRegion,
      ),
      awsWait('rds', 'db-instance-available', [['--db-instance-identifier', store.names.primary]], primaryRegion),
      '',
      `# Switch applications back to ${store.names.primary}, then retire the promoted DR copy so Terraform recreates the replica:`,
      rds('modify-db-instance', [['--db-instance-identifier', drReplica.identifier], ['--new-db-instance-identifier', retired], ['--apply-immediately']], drReplica.region),
    ]),
    '',
    codeBlock(terraformReconcile(context, primaryRegion)),
    '',
    `After \`cdktf deploy\`, ${code(drReplica.identifier)} is a replica again; the alarms above must return to OK before ` +
      `${code(stale)} and ${code(retired)} are deleted.`,
  ].join('\n');
}

function awsBackupSection(context: DatabaseContext): string {
  const { store, primaryRegion, drRegion, target } = context;
  if (!store.awsBackup) return '';
  const resourceArn = `arn:aws:rds:${primaryRegion}:$ACCOUNT_ID:${context.aurora ? 'cluster' : 'db'}:${store.names.primary}`;
  const copies = store.awsBackup.rules.some((rule) => rule.copyToDr);
  const restore = context.aurora
    ? rds(
        'restore-db-cluster-from-snapshot',
        [
          ['--db-cluster-identifier', target],
          ['--snapshot-identifier', '$RECOVERY_POINT_ARN'],
          ['--engine', store.engine],
          ['--db-subnet-group-name', store.names.primary],
          ...(context.securityGroups.length > 0 ? [['--vpc-security-group-ids', ...context.securityGroups] as const] : []),
          ['--deletion-protection'],
          ['--copy-tags-to-snapshot'],
          ['--tags', ...restoreTags(context, store.names.primary, '$RECOVERY_POINT_ARN')],
        ],
        primaryRegion,
      )
    : rds(
        'restore-db-instance-from-db-snapshot',
        [
          ['--db-instance-identifier', target],
          ['--db-snapshot-identifier', '$RECOVERY_POINT_ARN'],
          ['--db-subnet-group-name', store.names.primary],
          ...(context.securityGroups.length > 0 ? [['--vpc-security-group-ids', ...context.securityGroups] as const] : []),
          ...(store.instanceClass ? [['--db-instance-class', store.instanceClass] as const] : []),
          ['--no-publicly-accessible'],
          ['--deletion-protection'],
          ['--copy-tags-to-snapshot'],
          ['--manage-master-user-password'],
          ['--tags', ...restoreTags(context, store.names.primary, '$RECOVERY_POINT_ARN')],
        ],
        primaryRegion,
      );
  return [
    '## 7. Restore from AWS Backup',
    '',
    expectation(store, 'corruption', 'Recovery points exist only at the rule schedule, so the data is as of the chosen recovery point'),
    '',
    'RDS recovery points are snapshots: pick the newest one before the damage and restore it into a new ' +
      `${context.aurora ? 'cluster' : 'instance'}, then continue with steps 3 and 4.`,
    '',
    codeBlock([
      'export ACCOUNT_ID="$(aws sts get-caller-identity --query Account --output text)"',
      awsCommand(
        'backup',
        'list-recovery-points-by-resource',
        [['--resource-arn', resourceArn], ['--query', 'RecoveryPoints[].[CreationDate,Status,BackupVaultName,RecoveryPointArn]'], ['--output', 'table']],
        primaryRegion,
      ),
      'export RECOVERY_POINT_ARN="arn:aws:rds:...:snapshot:awsbackup:job-..."   # from the list above',
      restore,
    ]),
    ...(copies
      ? [
          '',
          `Copies in ${code(drRegion)} are listed per vault; restore them with the same command and \`--region ${drRegion}\`, ` +
            `a DB subnet group in that region (step 5 shows how to create ${code(store.names.dr)}) and the DR security groups:`,
          '',
          codeBlock([
            awsCommand('backup', 'list-backup-vaults', [['--query', 'BackupVaultList[].BackupVaultName'], ['--output', 'text']], drRegion),
            awsCommand(
              'backup',
              'list-recovery-points-by-backup-vault',
              [
                ['--backup-vault-name', '$VAULT_NAME'],
                ['--by-resource-arn', resourceArn],
                ['--query', 'RecoveryPoints[].[CreationDate,Status,RecoveryPointArn]'],
                ['--output', 'table'],
              ],
              drRegion,
            ),
          ]),
        ]
      : []),
  ].join('\n');
}

/** The runbook of one database store, Markdown. */
export function databaseRunbook(plan: BackupPlan, store: DatabaseStorePlan, options: RunbookOptions = {}): string {
  const time = restoreTimeText(options);
  const aurora = store.family === 'aurora';
  const context: DatabaseContext = {
    plan,
    store,
    time,
    primaryRegion: plan.regions.primary,
    drRegion: plan.regions.dr,
    // Aurora restores also create `<target>-1`, the cluster's first instance.
    target: restoreIdentifier(store.names.primary, time.stamp, aurora ? 2 : 0),
    securityGroups: plan.network.primary.securityGroupIds,
    drSecurityGroups: plan.network.dr.securityGroupIds,
    aurora,
  };
  const kind = aurora ? 'Aurora cluster' : 'RDS instance';
  const title = `database ${code(store.id)} (${store.engine}${store.engineVersion ? ` ${store.engineVersion}` : ''}, ${kind})`;
  const sections = [
    header(plan, store, title, options),
    ...(store.existing ? [`Adopted database: ${code(store.existing.identifier)} is not managed by Terraform; the Terraform steps below do not apply to it.`] : []),
    objectivesSection(plan, store),
    resourcesSection(context),
    situationsSection(context),
    variablesSection(time, [
      `export DB_NAME="${isPostgres(store.engine) ? 'postgres' : 'mysql'}"   # the database the checks' tables live in`,
      `export TF_STACK_DIR="cdktf.out/stacks/${plan.name}"   # the stack directory cdktf synth wrote`,
    ]),
    assessSection(context),
    aurora ? clusterRestoreSection(context) : instanceRestoreSection(context),
    verifySection(context),
    switchSection(context),
    failoverSection(context),
    failbackSection(context),
    awsBackupSection(context),
  ];
  return `${sections.filter((section) => section !== '').join('\n\n')}\n`;
}
