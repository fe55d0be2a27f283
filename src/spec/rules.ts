/**
 * Cross-field rules of the requirements spec. They read the raw document defensively (a field of the wrong type
 * is simply skipped: the structural schema reports it) so they run even when the schema fails, and the user sees
 * every problem in one pass.
 */
import { NAME_RULES, RDS_LIMITS, REGION_CODE } from '../aws/limits';
import { DURATION_UNITS, formatDuration, tryParseDuration } from './duration';
import type { RequirementsIssue } from './errors';
import { tryParseSchedule } from './schedule';
import { AURORA_ENGINES, S3_SUPPORTED_TRANSITIONS, TRANSITION_STORAGE_CLASSES, type Engine, type TransitionStorageClass } from './types';

const DAY = DURATION_UNITS.d;
export const PITR_MIN_SECONDS = DAY;
export const PITR_MAX_SECONDS = 35 * DAY;
export const LONG_TERM_MAX_SECONDS = 36_500 * DAY;
export const VAULT_LOCK_MIN_CHANGEABLE_SECONDS = 3 * DAY;
export const BACKTRACK_MAX_SECONDS = RDS_LIMITS.backtrackMaxSeconds;
export const MIN_MAX_LIFETIME_SECONDS = DURATION_UNITS.h;
export const MAX_MAX_LIFETIME_SECONDS = DAY;
/** Default lifetime of a verification instance before the sweep reports it failed and deletes it. */
export const DEFAULT_MAX_LIFETIME_SECONDS = 6 * DURATION_UNITS.h;
export const S3_IA_MIN_TRANSITION_SECONDS = 30 * DAY;
/**
 * Longest `<name>-<id>` for databases and buckets, a first bound checked at validate time: the longest RDS
 * identifier Lifeboat derives is the verification restore's `lbv-<name>-<id>-run-1` (10 more), the longest bucket
 * name `<name>-<id>-ap-southeast-3` (15 more). The planner then checks every name it actually creates
 * (vaults allow 50 characters, roles 64) and reports LB-NAME-INVALID / LB-NAME-COLLISION.
 */
export const DATABASE_BASE_MAX = NAME_RULES.rdsIdentifier.max - 11;
export const BUCKET_BASE_MAX = NAME_RULES.bucket.max - '-ap-southeast-3'.length;

/** Engines whose major version has two parts (`8.0`, `10.11`); the others have one (`16`). */
const TWO_PART_MAJOR: readonly Engine[] = ['mysql', 'mariadb', 'aurora-mysql'];

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Raw) : undefined;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const dur = (v: unknown): number | undefined => {
  if (typeof v !== 'string') return undefined;
  const parsed = tryParseDuration(v);
  return 'seconds' in parsed ? parsed.seconds : undefined;
};
const int = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);

class Issues {
  readonly list: RequirementsIssue[] = [];
  add(path: string, message: string): void {
    this.list.push({ path, message });
  }
}

function wholeDays(issues: Issues, path: string, seconds: number | undefined): void {
  if (seconds !== undefined && seconds % DAY !== 0) issues.add(path, 'must be whole days (d or y)');
}

export function crossFieldIssues(input: unknown): RequirementsIssue[] {
  const issues = new Issues();
  const doc = obj(input);
  if (!doc) return issues.list;
  const regions = obj(doc.regions);
  const primary = str(regions?.primary);
  const dr = str(regions?.dr);
  if (primary !== undefined && primary === dr) issues.add('regions.dr', `must differ from regions.primary (${primary})`);

  checkAlerts(issues, obj(doc.alerts), primary, dr);
  checkTags(issues, obj(doc.tags));
  checkNetwork(issues, obj(doc.network));

  const name = str(doc.name) ?? '';
  const defaults = obj(doc.defaults);
  const seen = new Map<string, string>();
  const claim = (id: unknown, path: string) => {
    if (typeof id !== 'string') return;
    const first = seen.get(id);
    if (first) issues.add(path, `duplicate id "${id}" (already used by ${first}); ids must be unique across databases and buckets`);
    else seen.set(id, path);
  };
  arr(doc.databases).forEach((raw, i) => {
    const db = obj(raw);
    if (!db) return;
    const path = `databases.${i}`;
    claim(db.id, `${path}.id`);
    checkDatabase(issues, db, path, name, primary, dr);
  });
  checkSecurityGroups(issues, arr(doc.databases), obj(obj(doc.network)?.primary));
  const defaultRegionRpo = obj(defaults?.rpo)?.region;
  arr(doc.buckets).forEach((raw, i) => {
    const bucket = obj(raw);
    if (!bucket) return;
    const path = `buckets.${i}`;
    claim(bucket.id, `${path}.id`);
    checkBucket(issues, bucket, path, name, defaultRegionRpo);
  });
  return issues.list;
}

function checkAlerts(issues: Issues, alerts: Raw | undefined, primary?: string, dr?: string): void {
  if (!alerts) return;
  const count = arr(alerts.emails).length + arr(alerts.httpsEndpoints).length + (alerts.topicArn === undefined ? 0 : 1);
  if (count === 0) {
    issues.add('alerts', 'needs at least one of emails, httpsEndpoints or topicArn: alarms must notify someone');
  }
  const topic = str(alerts.topicArn);
  const topicRegion = topic?.split(':')[3];
  if (topicRegion && primary && dr && topicRegion !== primary && topicRegion !== dr) {
    issues.add('alerts.topicArn', `topic region ${topicRegion} is neither regions.primary nor regions.dr (alarms notify topics in their own region)`);
  }
  for (const key of ['emails', 'httpsEndpoints'] as const) {
    const values = arr(alerts[key]);
    values.forEach((v, i) => {
      if (values.indexOf(v) !== i) issues.add(`alerts.${key}.${i}`, `duplicate ${JSON.stringify(v)}`);
    });
  }
}

function checkTags(issues: Issues, tags: Raw | undefined): void {
  if (!tags) return;
  const keys = Object.keys(tags);
  if (keys.length > 40) issues.add('tags', 'at most 40 tags (AWS allows 50 per resource; Lifeboat reserves 10 for its own)');
  for (const key of keys) {
    // JSON.parse keeps "__proto__" as an own key, but no JavaScript object can carry it through to a tag map.
    if (key === '__proto__') issues.add('tags.__proto__', 'is not supported as a tag key');
    else if (/^aws:/i.test(key)) issues.add(`tags.${key}`, 'keys starting with aws: are reserved by AWS');
    else if (/^lifeboat:/i.test(key)) issues.add(`tags.${key}`, 'keys starting with lifeboat: are reserved by Lifeboat');
  }
}

function checkNetwork(issues: Issues, network: Raw | undefined): void {
  for (const role of ['primary', 'dr'] as const) {
    const net = obj(network?.[role]);
    for (const key of ['subnetIds', 'securityGroupIds'] as const) {
      const values = arr(net?.[key]);
      values.forEach((v, i) => {
        if (values.indexOf(v) !== i) issues.add(`network.${role}.${key}.${i}`, `duplicate ${JSON.stringify(v)}`);
      });
    }
  }
}

/**
 * RDS puts every instance and cluster Lifeboat creates into security groups of network.primary; without one,
 * nothing could reach them (and RDS would use the VPC default group). One issue names every database affected.
 */
function checkSecurityGroups(issues: Issues, databases: unknown[], primary: Raw | undefined): void {
  if (!primary || arr(primary.securityGroupIds).length > 0) return;
  const created = databases
    .map((raw, i) => ({ db: obj(raw), i }))
    .filter(({ db }) => db !== undefined && db.existing === undefined)
    .map(({ db, i }) => `databases.${i}${typeof db?.id === 'string' ? ` (${db.id})` : ''}`);
  if (created.length === 0) return;
  issues.add(
    'network.primary.securityGroupIds',
    `required: ${created.join(', ')} ${created.length === 1 ? 'creates a database' : 'create databases'} in this network; add the security group(s) that may reach ${created.length === 1 ? 'it' : 'them'}`,
  );
}

function checkName(issues: Issues, path: string, name: string, id: unknown, max: number, what: string): void {
  if (typeof id !== 'string' || name === '') return;
  const base = `${name}-${id}`;
  if (base.length > max) {
    issues.add(
      path,
      `"${base}" is ${base.length} characters; name and ${what} id together ("<name>-<id>") must be at most ${max} so derived AWS names fit`,
    );
  }
}

function checkDatabase(issues: Issues, db: Raw, path: string, name: string, primary?: string, dr?: string): void {
  checkName(issues, `${path}.id`, name, db.id, DATABASE_BASE_MAX, 'database');
  const engine = str(db.engine) as Engine | undefined;
  const aurora = engine !== undefined && AURORA_ENGINES.includes(engine);
  const existing = db.existing !== undefined;
  if (aurora && db.storageGb !== undefined) {
    issues.add(`${path}.storageGb`, `not allowed for ${engine}: Aurora storage grows automatically`);
  }
  if (!existing) {
    if (engine !== undefined && !aurora && db.storageGb === undefined) {
      issues.add(`${path}.storageGb`, `required for ${engine} (20-65536 GiB) unless the database is existing`);
    }
    if (db.engineVersion === undefined) issues.add(`${path}.engineVersion`, 'required unless the database is existing');
    else if (engine !== undefined && typeof db.engineVersion === 'string') checkEngineVersion(issues, path, engine, db.engineVersion, db.autoMinorVersionUpgrade !== false);
    if (db.instanceClass === undefined) issues.add(`${path}.instanceClass`, 'required unless the database is existing');
  }
  if (db.backtrack !== undefined && engine !== undefined && engine !== 'aurora-mysql') {
    issues.add(`${path}.backtrack`, `only aurora-mysql supports backtrack, not ${engine}`);
  }
  const backtrack = dur(db.backtrack);
  if (backtrack !== undefined && backtrack > BACKTRACK_MAX_SECONDS) {
    issues.add(`${path}.backtrack`, 'must be at most 72h (Aurora backtrack limit)');
  }

  const retention = obj(db.retention);
  if (retention) {
    const pit = dur(retention.pointInTime);
    if (pit !== undefined) {
      if (pit < PITR_MIN_SECONDS) issues.add(`${path}.retention.pointInTime`, 'must be at least 1d (RDS keeps automated backups 1-35 days)');
      else if (pit > PITR_MAX_SECONDS) {
        issues.add(`${path}.retention.pointInTime`, 'must be at most 35d (RDS limit); use retention.longTerm for longer retention (AWS Backup)');
      } else wholeDays(issues, `${path}.retention.pointInTime`, pit);
    }
    const longTerm = dur(retention.longTerm);
    if (longTerm !== undefined) {
      if (pit !== undefined && longTerm < pit) issues.add(`${path}.retention.longTerm`, 'must be at least retention.pointInTime');
      if (longTerm > LONG_TERM_MAX_SECONDS) issues.add(`${path}.retention.longTerm`, 'must be at most 100y (AWS Backup limit: 36500 days)');
      wholeDays(issues, `${path}.retention.longTerm`, longTerm);
    }
    const lock = obj(retention.lock);
    if (lock) {
      if (retention.longTerm === undefined) {
        issues.add(`${path}.retention.lock`, 'needs retention.longTerm: the vault lock protects AWS Backup recovery points');
      }
      if (lock.mode === 'governance' && lock.changeableFor !== undefined) {
        issues.add(`${path}.retention.lock.changeableFor`, 'only for compliance mode (a governance lock stays changeable by privileged users)');
      }
      const changeable = dur(lock.changeableFor);
      if (changeable !== undefined) {
        if (changeable < VAULT_LOCK_MIN_CHANGEABLE_SECONDS) issues.add(`${path}.retention.lock.changeableFor`, 'must be at least 3d (AWS Backup vault lock minimum)');
        wholeDays(issues, `${path}.retention.lock.changeableFor`, changeable);
      }
    }
  }

  let drReplicas = 0;
  arr(db.readReplicas).forEach((raw, j) => {
    const region = str(obj(raw)?.region);
    if (region !== undefined && (region === 'dr' || (region === dr && region !== primary))) {
      drReplicas += 1;
      if (drReplicas > 1) {
        issues.add(`${path}.readReplicas.${j}.region`, 'at most one read replica in the DR region (it is the standby Lifeboat names <name>-<id>-dr)');
      }
    }
    if (region === undefined || region === 'primary' || region === 'dr') return;
    const rpath = `${path}.readReplicas.${j}.region`;
    if (!REGION_CODE.test(region)) issues.add(rpath, `must be "primary", "dr" or one of their region codes, not ${JSON.stringify(region)}`);
    else if (primary && dr && region !== primary && region !== dr) {
      issues.add(rpath, `${region} is neither regions.primary (${primary}) nor regions.dr (${dr})`);
    }
  });

  const verification = obj(db.verification);
  if (verification) checkVerification(issues, verification, `${path}.verification`);
}

/**
 * With automatic minor upgrades on, the version must be a major version: RDS then creates the newest minor it
 * offers, and the provider accepts the upgraded minor (it compares only the configured prefix), so no plan ever shows
 * a downgrade. A pinned minor is retired by RDS in time and is overtaken by the first automatic upgrade.
 */
function checkEngineVersion(issues: Issues, path: string, engine: Engine, version: string, autoUpgrade: boolean): void {
  const major = TWO_PART_MAJOR.includes(engine) ? /^\d+\.\d+$/ : /^\d+$/;
  const example = TWO_PART_MAJOR.includes(engine) ? '8.0' : '16';
  if (autoUpgrade && !major.test(version)) {
    const prefix = version.split('.').slice(0, TWO_PART_MAJOR.includes(engine) ? 2 : 1).join('.');
    issues.add(
      `${path}.engineVersion`,
      `must be a major version such as ${example} while autoMinorVersionUpgrade is on (RDS upgrades the minor, and a pinned ${version} would show as a downgrade); use "${prefix}", or set autoMinorVersionUpgrade: false to pin ${version}`,
    );
  }
  if (!autoUpgrade && major.test(version)) {
    issues.add(`${path}.engineVersion`, `must be a full version (e.g. ${example}.x) with autoMinorVersionUpgrade: false, or remove autoMinorVersionUpgrade: false`);
  }
}

function checkVerification(issues: Issues, v: Raw, path: string): void {
  if (v.schedule !== undefined) {
    const schedule = tryParseSchedule(v.schedule);
    if ('error' in schedule) issues.add(`${path}.schedule`, schedule.error);
  }
  const lifetime = dur(v.maxLifetime);
  if (lifetime !== undefined && (lifetime < MIN_MAX_LIFETIME_SECONDS || lifetime > MAX_MAX_LIFETIME_SECONDS)) {
    issues.add(`${path}.maxLifetime`, 'must be between 1h and 24h');
  } else {
    checkLifetimeFitsSchedule(issues, v, path, lifetime);
  }
  const names = new Set<string>();
  arr(v.checks).forEach((raw, k) => {
    const check = obj(raw);
    if (!check) return;
    if (check.type === 'rowCount') {
      const min = check.min;
      const max = check.max;
      if (min === undefined && max === undefined) issues.add(`${path}.checks.${k}`, 'rowCount needs min, max or both');
      if (typeof min === 'number' && typeof max === 'number' && min > max) issues.add(`${path}.checks.${k}.max`, 'must be at least min');
    }
    if (check.type === 'sql' && typeof check.name === 'string') {
      if (names.has(check.name)) issues.add(`${path}.checks.${k}.name`, `duplicate check name "${check.name}"`);
      names.add(check.name);
    }
  });
}

/**
 * A run must end (or be swept) before the next one starts: at most one verification runs per database, so a lifetime
 * as long as the schedule interval would make every other run find the previous one still there.
 */
function checkLifetimeFitsSchedule(issues: Issues, v: Raw, path: string, lifetime: number | undefined): void {
  const schedule = v.schedule === undefined ? undefined : tryParseSchedule(v.schedule);
  if (!schedule || 'error' in schedule) return;
  const effective = lifetime ?? DEFAULT_MAX_LIFETIME_SECONDS;
  if (effective < schedule.intervalSeconds) return;
  const field = lifetime === undefined ? `${path}.schedule` : `${path}.maxLifetime`;
  const what = lifetime === undefined ? 'the default maxLifetime' : 'maxLifetime';
  const every = formatDuration(schedule.intervalSeconds);
  issues.add(
    field,
    `runs at least every ${every}, but ${what} (${formatDuration(effective)}) is not shorter, so a run could still be going when the next one starts; schedule less often or set verification.maxLifetime below ${every} (at least 1h)`,
  );
}

function checkBucket(issues: Issues, bucket: Raw, path: string, name: string, defaultRegionRpo: unknown): void {
  checkName(issues, `${path}.id`, name, bucket.id, BUCKET_BASE_MAX, 'bucket');
  if (bucket.rpo === undefined && defaultRegionRpo === undefined) {
    issues.add(`${path}.rpo`, 'required (no defaults.rpo.region to fall back on)');
  }
  const retention = dur(bucket.retention);
  wholeDays(issues, `${path}.retention`, retention);
  if (retention !== undefined && retention > LONG_TERM_MAX_SECONDS) issues.add(`${path}.retention`, 'must be at most 100y');

  const lock = obj(bucket.objectLock);
  if (lock) {
    const days = int(lock.days);
    const years = int(lock.years);
    if ((lock.days === undefined) === (lock.years === undefined)) {
      issues.add(`${path}.objectLock`, 'needs exactly one of days or years (the default retention S3 applies to new objects)');
    } else if (retention !== undefined) {
      const lockSeconds = days !== undefined ? days * DAY : years !== undefined ? years * 365 * DAY : undefined;
      if (lockSeconds !== undefined && lockSeconds > retention) {
        issues.add(`${path}.objectLock`, 'lock retention must not exceed the bucket retention (locked versions could not be expired on time)');
      }
    }
  }

  let previousAfter: number | undefined;
  let previousClass: TransitionStorageClass | undefined;
  arr(bucket.transitions).forEach((raw, k) => {
    const t = obj(raw);
    if (!t) return;
    const tpath = `${path}.transitions.${k}`;
    const after = dur(t.after);
    const storageClass = str(t.storageClass) as TransitionStorageClass | undefined;
    const known = storageClass !== undefined && TRANSITION_STORAGE_CLASSES.includes(storageClass);
    wholeDays(issues, `${tpath}.after`, after);
    if (after !== undefined && known && (storageClass === 'STANDARD_IA' || storageClass === 'ONEZONE_IA') && after < S3_IA_MIN_TRANSITION_SECONDS) {
      issues.add(`${tpath}.after`, `must be at least 30d for ${storageClass} (S3 minimum)`);
    }
    if (after !== undefined && retention !== undefined && after >= retention) {
      issues.add(`${tpath}.after`, 'must be shorter than the bucket retention');
    }
    if (after !== undefined && previousAfter !== undefined) {
      if (after <= previousAfter) issues.add(`${tpath}.after`, 'transitions must be in increasing order of after');
      else if ((previousClass === 'STANDARD_IA' || previousClass === 'ONEZONE_IA') && after - previousAfter < S3_IA_MIN_TRANSITION_SECONDS) {
        issues.add(`${tpath}.after`, `must be at least 30d after the ${previousClass} transition (S3 minimum)`);
      }
    }
    if (known && previousClass !== undefined && !S3_SUPPORTED_TRANSITIONS[previousClass].includes(storageClass)) {
      const reachable = S3_SUPPORTED_TRANSITIONS[previousClass];
      issues.add(
        `${tpath}.storageClass`,
        `S3 cannot transition from ${previousClass} to ${storageClass} (from ${previousClass} S3 moves objects only to ${reachable.length > 0 ? reachable.join(', ') : 'nothing'})`,
      );
    }
    if (after !== undefined) previousAfter = after;
    if (known) previousClass = storageClass;
  });
}
