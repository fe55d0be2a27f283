/**
 * Collects problems in parsed JSON as `path: message` lines, so a caller reports every mistake at once. Shared by
 * the evidence record parser and the Lambda handlers' configuration parsers (dependency-free: it ships in bundles).
 */
export class JsonProblems {
  readonly problems: string[] = [];

  add(path: string, message: string): void {
    this.problems.push(`${path}: ${message}`);
  }

  object(value: unknown, path: string): Record<string, unknown> | undefined {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.add(path, 'must be an object');
      return undefined;
    }
    return value as Record<string, unknown>;
  }

  string(value: unknown, path: string, pattern?: RegExp, hint?: string): string {
    if (typeof value !== 'string' || value.length === 0) {
      this.add(path, 'must be a non-empty string');
      return '';
    }
    if (pattern && !pattern.test(value)) this.add(path, hint ?? `must match ${pattern}`);
    return value;
  }

  array(value: unknown, path: string): unknown[] {
    if (!Array.isArray(value)) {
      this.add(path, 'must be an array');
      return [];
    }
    return value;
  }
}
