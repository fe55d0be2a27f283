/**
 * Table fingerprints and `lifeboat diff`: compare tables between two databases without moving their rows.
 */
export { compareFingerprints, fingerprintTable, withSnapshot, type FingerprintOptions } from './fingerprint';
export { diffDatabases, type DiffOptions, type DiffProgress } from './diff';
export type {
  DiffReport,
  FingerprintComparison,
  HashedColumn,
  KeyDifference,
  Localization,
  QuerySession,
  RangeDifference,
  SchemaDifference,
  TableDiff,
  TableFingerprint,
  TableName,
} from './types';
