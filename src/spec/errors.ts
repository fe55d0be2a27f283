/** One validation problem: where (dotted path, `(root)` for the document itself) and what. */
export interface RequirementsIssue {
  path: string;
  message: string;
}

/**
 * Thrown by `parseRequirements` / `loadRequirements`. The message lists every problem, one per line, as
 * `path.to.field: message`, so a user fixes them all in one pass; `issues` carries the same list for programs.
 */
export class RequirementsError extends Error {
  readonly issues: readonly RequirementsIssue[];

  constructor(issues: readonly RequirementsIssue[], heading = 'Invalid backup requirements') {
    super(`${heading}:\n${formatIssues(issues)}`);
    this.name = 'RequirementsError';
    this.issues = issues;
  }
}

/** `path: message` lines in the order given, without duplicates (`parseRequirements` orders issues by path first). */
export function formatIssues(issues: readonly RequirementsIssue[]): string {
  return issueLines(issues).join('\n');
}

export function issueLines(issues: readonly RequirementsIssue[]): string[] {
  const lines = issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`);
  return [...new Set(lines)];
}

/** Joins a path the way messages show it: `databases.0.rpo.az`. */
export function joinPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}
