import type { BackupPlan, BucketStorePlan } from '../plan/types';
import { alarmCommands, expectation, header, objectivesSection, variablesSection } from './common';
import { restoreTimeText, type RestoreTimeText, type RunbookOptions } from '../ops/context';
import { bucketPrefixRestoreProcedure } from '../ops/procedures/bucket';
import { renderProcedure } from '../ops/render';
import { awsCommand, code, codeBlock, scriptBlock, table } from '../ops/markdown';

const s3api = (operation: string, options: Parameters<typeof awsCommand>[2], region: string) => awsCommand('s3api', operation, options, region);

function resourcesSection(plan: BackupPlan, store: BucketStorePlan): string {
  const rows: string[][] = [
    ['Source bucket', code(store.names.source), plan.regions.primary],
    ['Replica bucket', code(store.names.replica), store.replication.destinationRegion],
    ['Replication rule', `${code(store.replication.ruleId)}${store.replication.rtc ? ', Replication Time Control (15 min)' : ''}, replica storage ${store.replication.replicaStorageClass}`, plan.regions.primary],
    ['Previous versions kept', `${store.retentionDays} days`, 'both'],
  ];
  for (const transition of store.transitions) rows.push(['Transition', `${transition.storageClass} after ${transition.afterDays} days`, 'both']);
  if (store.objectLock) {
    const period = store.objectLock.years !== null ? `${store.objectLock.years} years` : `${store.objectLock.days ?? 0} days`;
    rows.push(['Object Lock default retention', `${store.objectLock.mode}, ${period}`, 'both']);
  }
  return ['## Resources', '', table(['What', 'Name / setting', 'Region'], rows)].join('\n');
}

function assessSection(plan: BackupPlan, store: BucketStorePlan): string {
  const primary = plan.regions.primary;
  const replicaRegion = store.replication.destinationRegion;
  const blocks = [
    s3api('get-bucket-versioning', [['--bucket', store.names.source]], primary),
    s3api(
      'get-bucket-replication',
      [['--bucket', store.names.source], ['--query', 'ReplicationConfiguration.Rules[].[ID,Status,Destination.Bucket]'], ['--output', 'table']],
      primary,
    ),
    s3api('head-bucket', [['--bucket', store.names.replica]], replicaRegion),
    '# Replication state of one object: COMPLETED, PENDING or FAILED',
    s3api('head-object', [['--bucket', store.names.source], ['--key', '$KEY'], ['--query', '[VersionId,LastModified,ReplicationStatus]'], ['--output', 'text']], primary),
    ...(store.objectLock ? [s3api('get-object-lock-configuration', [['--bucket', store.names.source]], primary)] : []),
  ];
  const alarms = alarmCommands(store.alarms);
  return [
    '## 1. Assess',
    '',
    codeBlock(blocks),
    ...(alarms.length > 0 ? ['', 'Lifeboat alarms of this store, and the last three hours of the metrics behind them:', '', codeBlock(alarms)] : []),
  ].join('\n');
}

function restoreVersionsSection(plan: BackupPlan, store: BucketStorePlan, time: RestoreTimeText): string {
  const primary = plan.regions.primary;
  return [
    '## 2. Restore previous versions',
    '',
    expectation(store, 'corruption', `Versions older than ${store.retentionDays} days are gone`),
    '',
    'Overwritten and deleted objects keep their previous versions. Restoring copies the last good version over the ' +
      'object, which makes it the current version again: nothing is deleted, the copy replicates like any write, ' +
      'and Object Lock (if any) stays intact. Give `--copy-source` the key as it is: the AWS CLI URL-encodes it.',
    '',
    'One object:',
    '',
    scriptBlock([
      s3api(
        'list-object-versions',
        [
          ['--bucket', store.names.source],
          ['--prefix', '$KEY'],
          ['--query', '[Versions[].[Key,VersionId,LastModified,IsLatest], DeleteMarkers[].[Key,VersionId,LastModified,IsLatest]]'],
          ['--output', 'text'],
        ],
        primary,
      ),
      'export VERSION_ID="..."   # the last version before the damage, from the list above',
      s3api(
        'copy-object',
        [['--bucket', store.names.source], ['--key', '$KEY'], ['--copy-source', `${store.names.source}/$KEY?versionId=$VERSION_ID`]],
        primary,
      ),
    ]),
    '',
    renderProcedure(bucketPrefixRestoreProcedure(plan, store, time.literal ? time.time : undefined), '### Every object under a prefix'),
  ].join('\n');
}

function replicaSection(store: BucketStorePlan): string {
  const replicaRegion = store.replication.destinationRegion;
  return [
    '## 3. Fail over: read from the replica',
    '',
    expectation(
      store,
      'region',
      store.replication.rtc
        ? 'Replication Time Control replicates 99.99% of objects within 15 minutes; objects still pending at the outage are missing from the replica'
        : 'Plain replication has no time bound; objects still pending at the outage are missing from the replica',
    ),
    '',
    `Point readers at ${code(store.names.replica)} in ${code(replicaRegion)} (bucket name and region both change). ` +
      'Writes made to the replica during the outage are not replicated back; step 4 copies them.',
    '',
    codeBlock([
      s3api('head-bucket', [['--bucket', store.names.replica]], replicaRegion),
      s3api('list-objects-v2', [['--bucket', store.names.replica], ['--prefix', '$PREFIX'], ['--max-items', '20'], ['--query', 'Contents[].[Key,LastModified]'], ['--output', 'text']], replicaRegion),
    ]),
  ].join('\n');
}

function failbackSection(plan: BackupPlan, store: BucketStorePlan): string {
  const primary = plan.regions.primary;
  const replicaRegion = store.replication.destinationRegion;
  return [
    '## 4. Fail back',
    '',
    `When ${code(primary)} is healthy, S3 resumes replicating the objects that were pending. Copy back what was ` +
      'written to the replica since the failover (only those: older replica objects are copies of the source), then ' +
      'switch readers and writers back to the source bucket. Deletes made on the replica are not carried back; ' +
      'review the list before copying.',
    '',
    scriptBlock([
      'export OUTAGE_START="YYYY-MM-DDTHH:MM:SSZ"   # UTC: when writers moved to the replica',
      s3api('list-objects-v2', [['--bucket', store.names.replica], ['--output', 'json']], replicaRegion) + ' > replica-objects.json',
      `jq -r --arg t "$OUTAGE_START" '.Contents[]? | select(.LastModified >= $t) | .Key' replica-objects.json > failback-list.txt`,
      'wc -l failback-list.txt',
      'while IFS= read -r key; do',
      `  aws s3api copy-object --bucket ${store.names.source} --key "$key" --copy-source "${store.names.replica}/$key" --region ${primary} >/dev/null && echo "copied back $key"`,
      'done < failback-list.txt',
    ]),
    '',
    'Replication is healthy again when the alarms of step 1 are OK and new objects show `ReplicationStatus` COMPLETED.',
  ].join('\n');
}

/** The runbook of one bucket store, Markdown. */
export function bucketRunbook(plan: BackupPlan, store: BucketStorePlan, options: RunbookOptions = {}): string {
  const time = restoreTimeText(options);
  const sections = [
    header(plan, store, `bucket ${code(store.id)}`, options),
    objectivesSection(plan, store),
    resourcesSection(plan, store),
    [
      '## Which procedure',
      '',
      table(
        ['Situation', 'Procedure'],
        [
          ['Objects overwritten or deleted by mistake, ransomware', '2. Restore previous versions'],
          ['Region outage or source bucket unavailable', '3. Read from the replica, then 4 when the region is back'],
        ],
      ),
    ].join('\n'),
    variablesSection(time, ['export KEY="path/to/object"   # an object to inspect or restore']),
    assessSection(plan, store),
    restoreVersionsSection(plan, store, time),
    replicaSection(store),
    failbackSection(plan, store),
  ];
  return `${sections.join('\n\n')}\n`;
}
