/**
 * Alarm names: `<plan name>-<store id>-<alarm id>`, unique per account and region. Every alarm of a store shares the
 * store's prefix; alarm ids are chosen so that no id of one region ends with `-<another id of that region>`, so two
 * stores whose ids extend each other (`orders`, `orders-dr`) never produce the same name (a test checks the ids).
 */

/** CloudWatch alarm names are 1-255 characters (PutMetricAlarm). */
export const ALARM_NAME_MAX = 255;

/** The name prefix of a store's alarms: `<plan name>-<store id>`. */
export function alarmNamePrefix(planName: string, storeId: string): string {
  return `${planName}-${storeId}`;
}

/** The physical name of one alarm of a store, from the store's prefix (`alarmNamePrefix`) and the alarm id. */
export function alarmName(prefix: string, alarmId: string): string {
  return `${prefix}-${alarmId}`;
}

/**
 * Every alarm id a store can have, with the region it lives in (`primary`, `dr`, or `either` for verification
 * alarms, which follow the verification region). Ids with a number are templates: `<n>` is 1, 2, ...
 */
export const ALARM_IDS = {
  'free-storage': 'primary',
  'replica-<n>-lag': 'primary',
  'replica-lag': 'dr',
  'reader-<n>-lag': 'primary',
  'dr-reader-<n>-lag': 'dr',
  'global-replication-lag': 'dr',
  'backup-jobs-failed': 'primary',
  'copy-jobs-failed': 'primary',
  'restorable-lag': 'primary',
  'backup-age': 'primary',
  'dr-restorable-lag': 'dr',
  'dr-backup-age': 'dr',
  'verification-stale': 'either',
  'verification-failed': 'either',
  'restore-time': 'either',
  'data-lag': 'either',
  'replication-latency': 'primary',
  'replication-failed': 'primary',
  'missing-replicas': 'dr',
} as const satisfies Record<string, 'primary' | 'dr' | 'either'>;
