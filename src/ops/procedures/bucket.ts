/**
 * Restoring every object under a prefix of a versioned bucket to how it was at a point in time. Built for a person:
 * it decides per key from the version history (delete markers included), copies only what changed, and runs the
 * copies as one S3 Batch Operations job instead of one CLI process per key.
 */
import type { BackupPlan, BucketStorePlan } from '../../plan/types';
import type { Procedure } from './types';
import { arnPartition } from '../names';

/** Storage classes whose versions must be restored (thawed) before they can be copied. */
export const ARCHIVED_CLASSES = ['GLACIER', 'DEEP_ARCHIVE'] as const;

/**
 * The jq program that classifies each key: `copy` (an older version was current at the time: copy it back),
 * `already-current` (nothing to do: a copy would only add a version, permanent under a compliance lock),
 * `archived` (the version is in GLACIER / DEEP_ARCHIVE: restore it first), `deleted-at-time` (a delete marker was
 * current: the key did not exist then; nothing is deleted now, the list is for review), `created-after` (no version
 * at the time).
 */
export function classifyProgram(): string {
  const archived = ARCHIVED_CLASSES.map((name) => `$c.StorageClass == "${name}"`).join(' or ');
  return [
    '[(.Versions // [])[] | . + {marker: false}] + [(.DeleteMarkers // [])[] | . + {marker: true}]',
    '| group_by(.Key)[]',
    '| (map(select(.LastModified[0:19] <= ($t[0:19]))) | max_by(.LastModified)) as $c',
    '| if $c == null then ["created-after", .[0].Key, ""]',
    '  elif $c.marker then ["deleted-at-time", $c.Key, $c.VersionId]',
    '  elif $c.IsLatest then ["already-current", $c.Key, $c.VersionId]',
    `  elif (${archived}) then ["archived", $c.Key, $c.VersionId]`,
    '  else ["copy", $c.Key, $c.VersionId] end',
    '| @tsv',
  ].join('\n  ');
}

export function bucketPrefixRestoreProcedure(plan: BackupPlan, store: BucketStorePlan, restoreTime: string | undefined): Procedure {
  const bucket = store.names.source;
  const region = plan.regions.primary;
  const partition = arnPartition(region);
  const time = restoreTime ?? '$RESTORE_TIME';
  const lock = store.objectLock;
  const batchJob = (operation: 'copy' | 'thaw', manifest: string) => {
    const op =
      operation === 'copy'
        ? `{"S3PutObjectCopy":{"TargetResource":"arn:${partition}:s3:::${bucket}","MetadataDirective":"COPY"}}`
        : '{"S3InitiateRestoreObject":{"ExpirationInDays":7,"GlacierJobTier":"BULK"}}';
    return [
      `aws s3 cp ${manifest} "s3://$MANIFEST_BUCKET/lifeboat/${store.id}/${manifest}" --region ${region}`,
      `etag="$(aws s3api head-object --bucket "$MANIFEST_BUCKET" --key "lifeboat/${store.id}/${manifest}" --query ETag --output text --region ${region})"`,
      `aws s3control create-job --account-id "$ACCOUNT_ID" --confirmation-required --priority 10 \\`,
      `  --role-arn "$BATCH_ROLE_ARN" --client-request-token "lifeboat-${store.id}-${operation}-$RESTORE_STAMP" \\`,
      `  --operation '${op}' \\`,
      `  --manifest "{\\"Spec\\":{\\"Format\\":\\"S3BatchOperations_CSV_20180820\\",\\"Fields\\":[\\"Bucket\\",\\"Key\\",\\"VersionId\\"]},\\"Location\\":{\\"ObjectArn\\":\\"arn:${partition}:s3:::$MANIFEST_BUCKET/lifeboat/${store.id}/${manifest}\\",\\"ETag\\":$etag}}" \\`,
      `  --report "{\\"Bucket\\":\\"arn:${partition}:s3:::$MANIFEST_BUCKET\\",\\"Prefix\\":\\"lifeboat/${store.id}/reports\\",\\"Format\\":\\"Report_CSV_20180820\\",\\"Enabled\\":true,\\"ReportScope\\":\\"AllTasks\\"}" \\`,
      `  --tags Key=lifeboat:store,Value=${store.id} Key=lifeboat:restore-time,Value=${time} \\`,
      `  --region ${region}`,
    ];
  };
  return {
    id: 'bucket-restore-prefix',
    storeId: store.id,
    title: 'Restore every object under a prefix to a point in time',
    summary:
      `Works from the version history of ${bucket}: for each key, the version current at ${time}. Only keys whose current ` +
      'version differs are copied' +
      (lock ? ` (each copy is a new version, kept ${lock.years !== null ? `${lock.years} years` : `${lock.days} days`} under the ${lock.mode} lock: copy nothing twice)` : '') +
      '; nothing is deleted. The copies run as one S3 Batch Operations job, confirmed by you after reviewing its manifest.',
    command: null,
    variables: [
      { name: 'PREFIX', description: 'the damaged prefix' },
      { name: 'MANIFEST_BUCKET', description: `a bucket in ${region} for the job manifests and reports (not ${bucket})` },
      { name: 'BATCH_ROLE_ARN', description: 'an IAM role S3 Batch Operations assumes, allowed to read versions of and write to the bucket' },
    ],
    steps: [
      {
        kind: 'shell',
        id: 'history',
        title: `List the version history under the prefix (for millions of keys, use the bucket's S3 Inventory report with all versions instead)`,
        lines: [
          'export ACCOUNT_ID="$(aws sts get-caller-identity --query Account --output text)"',
          `aws s3api list-object-versions --bucket ${bucket} --prefix "$PREFIX" --output json --region ${region} > versions.json`,
        ],
      },
      {
        kind: 'shell',
        id: 'classify',
        title: 'Decide per key (delete markers count: a key deleted before the time stays as it is now)',
        lines: [
          `jq -r --arg t "${time}" '`,
          `  ${classifyProgram()}' versions.json > restore-plan.tsv`,
          "cut -f1 restore-plan.tsv | sort | uniq -c   # review: copy, already-current, archived, deleted-at-time, created-after",
          `awk -F'\\t' -v b=${bucket} '$1 == "copy" {print b "," $2 "," $3}' restore-plan.tsv | jq -Rr 'split(",") | [.[0], (.[1] | @uri), .[2]] | join(",")' > copy-manifest.csv`,
          `awk -F'\\t' -v b=${bucket} '$1 == "archived" {print b "," $2 "," $3}' restore-plan.tsv | jq -Rr 'split(",") | [.[0], (.[1] | @uri), .[2]] | join(",")' > thaw-manifest.csv`,
        ],
      },
      {
        kind: 'shell',
        id: 'thaw',
        title: 'If archived versions are listed: restore (thaw) them first with one Batch Operations job, and copy them when it is done (Bulk: up to 48 hours for DEEP_ARCHIVE)',
        lines: ['if [ -s thaw-manifest.csv ]; then', ...batchJob('thaw', 'thaw-manifest.csv').map((line) => `  ${line}`), 'fi'],
      },
      {
        kind: 'shell',
        id: 'copy',
        title: 'Copy the chosen versions back over their keys with one Batch Operations job (objects up to 5 GB; the job waits for your confirmation)',
        lines: [
          ...batchJob('copy', 'copy-manifest.csv'),
          `# Review the job, then: aws s3control update-job-status --account-id "$ACCOUNT_ID" --job-id <id> --requested-job-status Ready --region ${region}`,
        ],
      },
    ],
  };
}
