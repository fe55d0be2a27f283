import { JsonProblems } from '../../src/shared/json-problems';

/**
 * Small validators for the handlers' JSON configuration (kept dependency-free so the bundles stay small). Each
 * collects problems as `path: message` lines so a broken deployment reports every mistake at once.
 */
export class ConfigProblems extends JsonProblems {
  optionalString(value: unknown, path: string, pattern?: RegExp, hint?: string): string | undefined {
    return value === undefined ? undefined : this.string(value, path, pattern, hint);
  }

  integer(value: unknown, path: string, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.add(path, `must be an integer from ${min} to ${max}`);
      return min;
    }
    return value;
  }

  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.add(path, `must be one of ${allowed.join(', ')}`);
      return allowed[0];
    }
    return value as T;
  }

  throwIfAny(what: string): void {
    if (this.problems.length > 0) throw new Error(`${what} is invalid:\n  ${this.problems.join('\n  ')}`);
  }
}

/** AWS region codes such as `eu-west-1`, `us-gov-west-1`, `cn-north-1`. */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;
export const REGION_HINT = 'must be an AWS region code such as eu-west-1';

/** Parses JSON text with a message naming the variable it came from. */
export function parseJson(text: string | undefined, variable: string): unknown {
  if (text === undefined || text.trim() === '') throw new Error(`${variable} is not set`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${variable} is not valid JSON: ${(error as Error).message}`);
  }
}

/** S3 bucket names: 3-63 lowercase letters, digits, dots or hyphens, starting and ending with a letter or digit. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Where a handler writes its evidence records: the evidence bucket (DR region) and that region. */
export interface EvidenceTarget {
  /** Evidence bucket name. */
  readonly bucket: string;
  /** Region of the evidence bucket. */
  readonly region: string;
}

/** Validates the `evidence` object of a handler configuration. */
export function parseEvidenceTarget(check: ConfigProblems, value: unknown, path: string): EvidenceTarget {
  const raw = check.object(value, path) ?? {};
  return {
    bucket: check.string(raw.bucket, `${path}.bucket`, BUCKET_NAME, 'must be an S3 bucket name (3-63 lowercase letters, digits, dots or hyphens)'),
    region: check.string(raw.region, `${path}.region`, REGION_PATTERN, REGION_HINT),
  };
}
