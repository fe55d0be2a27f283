import { databaseNames } from '../plan/naming';
import { storeChecks } from '../ops/checks';
import { arnPartition } from '../ops/names';
import {
  clusterRestoreProcedure,
  clusterSwitchProcedure,
  globalFailoverProcedure,
  globalRpoReleaseProcedure,
  globalSwitchoverProcedure,
  instanceDrRestoreProcedure,
  instanceRestoreProcedure,
  instanceSwitchProcedure,
  promoteReplicaProcedure,
  recoveryPointMetadata,
  recoveryPointRestoreProcedure,
  replicaFailbackProcedure,
  restoreTargetId,
  type DatabaseProcedureOptions,
} from '../ops/procedures/database';
import type { Procedure } from '../ops/procedures/types';
import { renderProcedure } from '../ops/render';
import type { BackupPlan, Check, DatabaseStorePlan, Engine } from '../plan/types';
import { alarmCommands, expectation, header, objectivesSection, variablesSection } from './common';
import { restoreIdentifier, restoreTimeText, type RestoreTimeText, type RunbookOptions } from '../ops/context';
import { awsCommand, code, codeBlock, scriptBlock, table, type CommandOption } from '../ops/markdown';

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
  /** What the procedures are built with (restore time, stamp, Terraform addresses). */
  procedureOptions: DatabaseProcedureOptions;
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
  const { store } = context;
  return renderProcedure(instanceRestoreProcedure(context.plan, store, context.procedureOptions), '## 2. Restore to a point in time into a new instance', { check: () => 'Then verify it (step 3).' }, [
    expectation(store, 'corruption', 'Restore time grows with the database size and the log replayed since the last snapshot'),
  ]) + '\n\nFor an Availability Zone failure without Multi-AZ, restore to the latest restorable time: `lifeboat restore ' + store.id + ' --to latest`.';
}

function clusterRestoreSection(context: DatabaseContext): string {
  const { store } = context;
  return renderProcedure(clusterRestoreProcedure(context.plan, store, context.procedureOptions), '## 2. Restore to a point in time into a new cluster', { check: () => 'Then verify it (step 3).' }, [
    expectation(store, 'corruption', 'The cluster restore is followed by creating its first instance'),
  ]);
}

/** `schema.table` names a schema (a MySQL database) and a table: compare each part, never the dotted name. */
function mysqlTableExists(table: string): string {
  const dot = table.indexOf('.');
  const schema = dot === -1 ? 'database()' : `'${table.slice(0, dot)}'`;
  const name = dot === -1 ? table : table.slice(dot + 1);
  return `select count(*) = 1 as table_exists from information_schema.tables where table_schema = ${schema} and table_name = '${name}';  -- ${table}: expected 1`;
}

function checkSql(check: Check, engine: Engine, time: RestoreTimeText): string {
  switch (check.type) {
    case 'tableExists':
      return isPostgres(engine)
        ? `select to_regclass('${check.table}') is not null as table_exists;  -- ${check.table}: expected true`
        : mysqlTableExists(check.table);
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
  const checks = storeChecks(store);
  const sqlLines = checks.map((check) => checkSql(check, engine, time));
  const client = isPostgres(engine)
    ? `PGPASSWORD="$TARGET_PASSWORD" psql "host=$TARGET_HOST port=${port} dbname=$DB_NAME user=$TARGET_USER sslmode=verify-full sslrootcert=global-bundle.pem"`
    : `MYSQL_PWD="$TARGET_PASSWORD" mysql --host="$TARGET_HOST" --port=${port} --user="$TARGET_USER" --ssl-ca=global-bundle.pem ${
        engine === 'mariadb' ? '--ssl-verify-server-cert' : '--ssl-mode=VERIFY_IDENTITY'
      } "$DB_NAME"`;
  const scheme = isPostgres(engine) ? 'postgres' : 'mysql';
  // TLS verified against the RDS CA bundle: servers that force TLS (rds.force_ssl, require_secure_transport) refuse
  // anything else, and an unverified connection could be talking to anyone.
  const url = (prefix: string) =>
    `${scheme}://$${prefix}_USER:$(jq -rn --arg p "$${prefix}_PASSWORD" '$p|@uri')@$${prefix}_HOST:${port}/$DB_NAME?sslmode=verify-full&sslrootcert=global-bundle.pem`;
  const targetTime = time.literal ? time.time : '$RESTORE_TIME';
  return [
    '## 3. Verify the restored database',
    '',
    `\`lifeboat restore --execute\` runs these checks itself. By hand, from a host inside the VPC (the restore is private, behind ${
      context.securityGroups.map(code).join(', ') || 'the default security group'
    }):`,
    '',
    codeBlock([RDS_CA_BUNDLE, ...connectionLines(context, target, 'TARGET'), ...connectionLines(context, store.names.primary, 'SOURCE')]),
    '',
    ...(checks.length > 0
      ? [
          "The plan's verification checks and freshness, exactly as the scheduled verification runs them (exit 1 when one fails):",
          '',
          codeBlock([
            `cat > checks.json <<'JSON'`,
            JSON.stringify(checks.map((check) => checkForFile(check))),
            'JSON',
            `lifeboat verify-data --url "${url('TARGET')}" --checks checks.json --engine ${engine} --target-time "${targetTime}"`,
          ]),
          '',
          'The same checks in SQL, to look closer:',
          '',
          codeBlock([`${client} <<'SQL'`, ...sqlLines, 'SQL']),
          '',
        ]
      : [`The plan has no verification checks for ${code(store.id)}; check the tables your application cannot live without.`, '']),
    'Compare with the source table by table (fingerprints computed on the servers, no rows copied) to see exactly what the restore changes:',
    '',
    codeBlock([`lifeboat diff \\\n  --source "${url('SOURCE')}" \\\n  --target "${url('TARGET')}"`]),
  ].join('\n');
}

/** A check as `lifeboat verify-data --checks` reads it (nulls left out). */
function checkForFile(check: Check): Record<string, unknown> {
  return Object.fromEntries(Object.entries(check).filter(([, value]) => value !== null && value !== undefined));
}

function switchSection(context: DatabaseContext): string {
  const { store } = context;
  const procedure = context.aurora
    ? clusterSwitchProcedure(context.plan, store, context.procedureOptions)
    : instanceSwitchProcedure(context.plan, store, context.procedureOptions);
  return renderProcedure(procedure, '## 4. Switch traffic');
}

function failoverSection(context: DatabaseContext): string {
  const { store, drRegion, plan } = context;
  if (store.globalDatabase) {
    const planned = globalSwitchoverProcedure(plan, store) as Procedure;
    const unplanned = globalFailoverProcedure(plan, store) as Procedure;
    const release = globalRpoReleaseProcedure(plan, store);
    return [
      '## 5. Fail over to the global secondary',
      '',
      expectation(store, 'region', 'Unplanned failover loses what had not reached the secondary (see AuroraGlobalDBReplicationLag above)'),
      '',
      'Two different procedures: never paste one for the other.',
      '',
      renderProcedure(planned, `### 5a. ${planned.title}`),
      '',
      renderProcedure(unplanned, `### 5b. ${unplanned.title}`),
      ...(release ? ['', renderProcedure(release, `### 5c. ${release.title}`)] : []),
    ].join('\n');
  }
  const promote = promoteReplicaProcedure(store);
  if (promote) {
    return renderProcedure(promote, '## 5. Promote the cross-region replica', {}, [
      expectation(store, 'region', 'Writes the replica had not received (ReplicaLag above) are lost'),
    ]);
  }
  if (store.crossRegionBackupReplication) {
    const restore = instanceDrRestoreProcedure(plan, store, { ...context.procedureOptions, restoreTime: 'latest' });
    return renderProcedure(restore, '## 5. Restore from the replicated backups in the DR region', { check: () => 'Then verify it (step 3, with the DR region).' }, [
      expectation(store, 'region', 'Data after the newest replicated log is lost'),
    ]);
  }
  return [
    '## 5. Region outage',
    '',
    `This plan has no standby or replicated backup for ${code(store.id)} in ${code(drRegion)}` +
      (store.awsBackup?.rules.some((rule) => rule.copyToDr) ? ': use the AWS Backup copies (step 7) in the DR region.' : '; the data is unavailable until the primary region recovers.'),
  ].join('\n');
}

function failbackSection(context: DatabaseContext): string {
  const { store, primaryRegion, plan } = context;
  if (store.globalDatabase) {
    const back = globalSwitchoverProcedure(plan, store, 'to-primary') as Procedure;
    return renderProcedure(back, '## 6. Fail back', {}, [
      `When ${code(primaryRegion)} is healthy, ${code(store.names.primary)} rejoins the global cluster as a secondary ` +
        '(after an unplanned failover it is rebuilt from the new primary). Wait until it is a member and in sync ' +
        `(\`aws rds describe-global-clusters --global-cluster-identifier ${store.globalDatabase.globalClusterIdentifier} --region ${primaryRegion}\`), then switch over back.`,
    ]);
  }
  const failback = replicaFailbackProcedure(plan, store, context.procedureOptions);
  if (!failback) {
    return [
      '## 6. Fail back',
      '',
      `When ${code(primaryRegion)} is healthy, compare ${code(store.names.primary)} with the DR restore (\`lifeboat diff\`, step 3), ` +
        'copy the writes made in the DR region back, and switch applications back to the primary endpoint.',
    ].join('\n');
  }
  return renderProcedure(failback, '## 6. Fail back');
}

function awsBackupSection(context: DatabaseContext): string {
  const { store, plan, primaryRegion, drRegion } = context;
  if (!store.awsBackup) return '';
  const partition = arnPartition(primaryRegion);
  const resourceArn = `arn:${partition}:rds:${primaryRegion}:$ACCOUNT_ID:${context.aurora ? 'cluster' : 'db'}:${store.names.primary}`;
  const copies = store.awsBackup.rules.some((rule) => rule.copyToDr);
  const vault = store.names.awsBackup?.vault;
  const role = store.names.awsBackup?.role;
  const listing = (region: string) =>
    vault
      ? awsCommand(
          'backup',
          'list-recovery-points-by-backup-vault',
          [['--backup-vault-name', vault], ['--by-resource-arn', resourceArn], ['--query', 'RecoveryPoints[].[CreationDate,Status,RecoveryPointArn]'], ['--output', 'table']],
          region,
        )
      : awsCommand('backup', 'list-recovery-points-by-resource', [['--resource-arn', resourceArn], ['--query', 'RecoveryPoints[].[CreationDate,Status,BackupVaultName,RecoveryPointArn]'], ['--output', 'table']], region);
  const intro = [
    expectation(store, 'corruption', 'Recovery points exist only at the rule schedule, so the data is as of the chosen recovery point'),
    '',
    `Pick the newest COMPLETED recovery point made before the damage${vault ? ` (vault ${code(vault)})` : ''}:`,
    '',
    scriptBlock(['export ACCOUNT_ID="$(aws sts get-caller-identity --query Account --output text)"', listing(primaryRegion)]),
    ...(copies ? ['', `Its copies in ${code(drRegion)} (restore one there with the same command: the ARN names the region, and the restore takes the DR subnets, security groups and key):`, '', scriptBlock(['export ACCOUNT_ID="$(aws sts get-caller-identity --query Account --output text)"', listing(drRegion)])] : []),
  ];
  if (!role) {
    return [
      '## 7. Restore from AWS Backup',
      '',
      ...intro,
      '',
      `This plan names no AWS Backup service role for ${code(store.id)} (written before plans recorded it): write it again with \`lifeboat plan\`, then this runbook shows the restore through AWS Backup.`,
    ].join('\n');
  }
  const target = restoreTargetId(plan, store, context.procedureOptions);
  const procedure = recoveryPointRestoreProcedure(
    plan,
    store,
    {
      ...context.procedureOptions,
      restoreTime: '${RECOVERY_POINT_ARN}',
      recoveryPointArn: '${RECOVERY_POINT_ARN}',
      iamRoleArn: `arn:${partition}:iam::\${ACCOUNT_ID}:role/${role}`,
      metadata: recoveryPointMetadata(plan, store, {}, target, 'primary', false),
    },
    'primary',
  );
  return renderProcedure(procedure, '## 7. Restore from AWS Backup', { check: () => 'Then verify it (step 3) and switch traffic (step 4).' }, intro);
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
    procedureOptions: {
      restoreTime: time.literal ? time.time : undefined,
      stamp: time.stamp,
      addresses: options.addresses ?? null,
    },
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
      `export TF_STACK_DIR="${options.addresses?.stackDir ?? `cdktf.out/stacks/${plan.name}`}"   # the stack directory cdktf synth wrote`,
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
