export * from './types';
export { parseDuration, formatDuration, tryParseDuration, DURATION_FORMS, DURATION_UNITS } from './duration';
export { tryParseSchedule, type ParsedSchedule } from './schedule';
export { RequirementsError, formatIssues, type RequirementsIssue } from './errors';
export { parseRequirements, loadRequirements, parseJsonText, DEFAULT_MAX_LIFETIME_SECONDS } from './requirements';
export { requirementsJsonSchema } from './json-schema';
export { requirementsSchema, NAME_MAX, STORE_ID_MAX } from './schema';
export type { RequirementsInput, DatabaseInput, BucketInput, CheckInput } from './schema';
export { defineRequirements } from './define';
export {
  DATABASE_BASE_MAX,
  BUCKET_BASE_MAX,
  PITR_MIN_SECONDS,
  PITR_MAX_SECONDS,
  BACKTRACK_MAX_SECONDS,
  LONG_TERM_MAX_SECONDS,
} from './rules';
