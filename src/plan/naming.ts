/**
 * Physical names, re-exported from the leaf module src/aws/names.ts for code that imports them from the plan layer.
 * The planner records every name in the plan; read `plan.stores[].names` and `plan.shared` rather than calling
 * these again.
 */
import { NAME_RULES } from '../aws/limits';

export * from '../aws/names';

/** RDS identifiers: 1-63 letters, digits or hyphens, starting with a letter, no trailing or double hyphen. */
export const RDS_IDENTIFIER_MAX = NAME_RULES.rdsIdentifier.max;
/** S3 bucket names: 3-63 lowercase letters, digits, hyphens. */
export const BUCKET_NAME_MAX = NAME_RULES.bucket.max;

/**
 * Longest suffix the name functions add to `${stackName}-${storeId}` in an RDS identifier, plus one character of
 * headroom: the verification restore's cluster instance `lbv-<name>-<id>-run-1` adds 10.
 */
export const LONGEST_DATABASE_SUFFIX = '-global'.length + 'lbv-'.length;
export const LONGEST_BUCKET_SUFFIX = '-ap-southeast-3'.length;
