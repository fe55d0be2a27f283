import * as fs from 'node:fs';
import type { z } from 'zod';
import { parseDuration } from './duration';
import { RequirementsError, joinPath, type RequirementsIssue } from './errors';
import { DEFAULT_MAX_LIFETIME_SECONDS, crossFieldIssues } from './rules';
import { tryParseSchedule } from './schedule';
import { requirementsSchema, type CheckInput, type DatabaseInput, type BucketInput, type RequirementsInput } from './schema';
import type {
  BucketRequirement,
  Check,
  DatabaseRequirement,
  RegionNetwork,
  Requirements,
  ScopeSeconds,
  VerificationRequirement,
} from './types';

export { DEFAULT_MAX_LIFETIME_SECONDS };

function zodIssueToIssues(issue: z.core.$ZodIssue): RequirementsIssue[] {
  const path = joinPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: path ? `${path}.${key}` : key, message: 'unknown field' }));
  }
  const message = /received undefined$/.test(issue.message) ? 'required' : issue.message;
  return [{ path: path || '(root)', message }];
}

/**
 * Validates a parsed JSON document and returns the typed, defaults-merged requirements with every duration in
 * seconds. Throws `RequirementsError` listing every problem (structure and cross-field rules) at once.
 */
export function parseRequirements(json: unknown): Requirements {
  const result = requirementsSchema.safeParse(json);
  const issues: RequirementsIssue[] = result.success ? [] : result.error.issues.flatMap(zodIssueToIssues);
  issues.push(...crossFieldIssues(json));
  if (issues.length > 0 || !result.success) throw new RequirementsError(sortIssues(issues));
  return resolve(result.data);
}

/** Reads and validates a requirements file. Unreadable files and invalid JSON also throw `RequirementsError`. */
export function loadRequirements(path: string): Requirements {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (error) {
    throw new RequirementsError([{ path: '(file)', message: `cannot read ${path}: ${(error as Error).message}` }], 'Cannot load backup requirements');
  }
  return parseRequirements(parseJsonText(text));
}

/**
 * JSON.parse with a message that gives line and column as editors count them (1-based) and the offending
 * character; independent of the Node version's wording.
 */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    let detail: string;
    if (text.trim() === '') {
      detail = 'invalid JSON: the file is empty';
    } else if (position) {
      const offset = Number(position[1]);
      const before = text.slice(0, offset).split('\n');
      const character = text[offset];
      const shown = character !== undefined && /[\x21-\x7e]/.test(character) ? `'${character}'` : JSON.stringify(character);
      const found = character === undefined ? 'unexpected end of input' : `unexpected character ${shown}`;
      detail = `invalid JSON at line ${before.length} column ${before[before.length - 1].length + 1}: ${found}`;
    } else if (/end of (JSON )?input/i.test(message)) {
      const lines = text.split('\n');
      detail = `invalid JSON at line ${lines.length} column ${lines[lines.length - 1].length + 1}: unexpected end of input`;
    } else {
      detail = `invalid JSON: ${message}`;
    }
    throw new RequirementsError([{ path: '(json)', message: detail }], 'Cannot parse backup requirements');
  }
}

/** Orders issues by path (numeric segments numerically) so related problems sit together; drops duplicates. */
function sortIssues(issues: RequirementsIssue[]): RequirementsIssue[] {
  const seen = new Set<string>();
  const unique = issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const segments = (path: string) => (path === '' ? [] : path.split('.'));
  const comparePaths = (a: string, b: string): number => {
    const sa = segments(a);
    const sb = segments(b);
    for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
      if (sa[i] === sb[i]) continue;
      const na = /^\d+$/.test(sa[i]) ? Number(sa[i]) : NaN;
      const nb = /^\d+$/.test(sb[i]) ? Number(sb[i]) : NaN;
      if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
      return sa[i] < sb[i] ? -1 : 1;
    }
    return sa.length - sb.length;
  };
  // Array.prototype.sort is stable, so messages at one path keep the order the validators produced them in.
  return unique.sort((a, b) => comparePaths(a.path, b.path));
}

type ScopeInput = { az?: string; region?: string; corruption?: string } | undefined;

function scopeSeconds(own: ScopeInput, fallback: ScopeSeconds): ScopeSeconds {
  const pick = (value: string | undefined, base: number | null) => (value === undefined ? base : parseDuration(value));
  return {
    az: pick(own?.az, fallback.az),
    region: pick(own?.region, fallback.region),
    corruption: pick(own?.corruption, fallback.corruption),
  };
}

const optionalSeconds = (value: string | undefined): number | null => (value === undefined ? null : parseDuration(value));

function resolve(input: RequirementsInput): Requirements {
  const none: ScopeSeconds = { az: null, region: null, corruption: null };
  const defaults = { rpo: scopeSeconds(input.defaults?.rpo, none), rto: scopeSeconds(input.defaults?.rto, none) };
  const network = (n: RequirementsInput['network']['primary']): RegionNetwork => ({
    vpcId: n.vpcId,
    subnetIds: [...n.subnetIds],
    securityGroupIds: [...(n.securityGroupIds ?? [])],
  });
  return {
    version: 1,
    name: input.name,
    environment: input.environment,
    tags: Object.fromEntries(Object.entries(input.tags ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    regions: { primary: input.regions.primary, dr: input.regions.dr },
    alerts: {
      emails: [...(input.alerts.emails ?? [])],
      httpsEndpoints: [...(input.alerts.httpsEndpoints ?? [])],
      topicArn: input.alerts.topicArn ?? null,
    },
    network: { primary: network(input.network.primary), dr: network(input.network.dr) },
    defaults,
    databases: (input.databases ?? []).map((db) => resolveDatabase(db, input, defaults)),
    buckets: (input.buckets ?? []).map((bucket) => resolveBucket(bucket, defaults)),
    evidence: {
      lock: {
        ...(input.evidence?.lock?.mode !== undefined ? { mode: input.evidence.lock.mode } : {}),
        ...(input.evidence?.lock?.days !== undefined ? { days: input.evidence.lock.days } : {}),
      },
    },
  };
}

function resolveCheck(check: CheckInput): Check {
  switch (check.type) {
    case 'tableExists':
      return { type: 'tableExists', table: check.table };
    case 'rowCount':
      return { type: 'rowCount', table: check.table, min: check.min ?? null, max: check.max ?? null };
    case 'freshness':
      return { type: 'freshness', table: check.table, column: check.column, maxLagSeconds: optionalSeconds(check.maxLag) };
    case 'sql':
      return { type: 'sql', name: check.name, sql: check.sql, expect: check.expect };
  }
}

function resolveVerification(v: NonNullable<DatabaseInput['verification']>): VerificationRequirement {
  const schedule = tryParseSchedule(v.schedule);
  if ('error' in schedule) throw new RangeError(`unreachable: schedule validated by the rules: ${schedule.error}`);
  return {
    schedule: schedule.expression,
    intervalSeconds: schedule.intervalSeconds,
    region: v.region ?? 'primary',
    checks: (v.checks ?? []).map(resolveCheck),
    freshness: v.freshness
      ? { table: v.freshness.table, column: v.freshness.column, maxLagSeconds: optionalSeconds(v.freshness.maxLag) }
      : null,
    maxLifetimeSeconds: v.maxLifetime === undefined ? DEFAULT_MAX_LIFETIME_SECONDS : parseDuration(v.maxLifetime),
    instanceClass: v.instanceClass ?? null,
  };
}

function resolveDatabase(
  db: DatabaseInput,
  input: RequirementsInput,
  defaults: { rpo: ScopeSeconds; rto: ScopeSeconds },
): DatabaseRequirement {
  const { primary, dr } = input.regions;
  return {
    id: db.id,
    engine: db.engine,
    engineVersion: db.engineVersion ?? null,
    autoMinorVersionUpgrade: db.autoMinorVersionUpgrade ?? true,
    instanceClass: db.instanceClass ?? null,
    storageGb: db.storageGb ?? null,
    existing: db.existing ? { identifier: db.existing.identifier } : null,
    rpo: scopeSeconds(db.rpo, defaults.rpo),
    rto: scopeSeconds(db.rto, defaults.rto),
    retention: {
      pointInTimeSeconds: parseDuration(db.retention.pointInTime),
      longTermSeconds: optionalSeconds(db.retention.longTerm),
      lock: db.retention.lock
        ? { mode: db.retention.lock.mode, changeableForSeconds: optionalSeconds(db.retention.lock.changeableFor) }
        : null,
    },
    readReplicas: (db.readReplicas ?? []).map((replica) => {
      const role = replica.region === 'primary' || replica.region === primary ? 'primary' : 'dr';
      return { region: role === 'primary' ? primary : dr, regionRole: role, instanceClass: replica.instanceClass ?? null };
    }),
    multiAz: db.multiAz ?? null,
    backtrackSeconds: optionalSeconds(db.backtrack),
    verification: db.verification ? resolveVerification(db.verification) : null,
  };
}

function resolveBucket(bucket: BucketInput, defaults: { rpo: ScopeSeconds; rto: ScopeSeconds }): BucketRequirement {
  const rpo = bucket.rpo === undefined ? defaults.rpo.region : parseDuration(bucket.rpo);
  if (rpo === null) throw new RangeError('unreachable: bucket rpo validated by the rules');
  return {
    id: bucket.id,
    rpoSeconds: rpo,
    rtoSeconds: bucket.rto === undefined ? defaults.rto.region : parseDuration(bucket.rto),
    retentionSeconds: parseDuration(bucket.retention),
    objectLock: bucket.objectLock
      ? { mode: bucket.objectLock.mode, days: bucket.objectLock.days ?? null, years: bucket.objectLock.years ?? null }
      : null,
    transitions: (bucket.transitions ?? []).map((t) => ({ afterSeconds: parseDuration(t.after), storageClass: t.storageClass })),
    replicaStorageClass: bucket.replicaStorageClass ?? null,
  };
}
