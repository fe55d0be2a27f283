import type { PolicyReport, StackFinding } from './engine';

/** Stable, versioned JSON: what CI stores and diffs. */
export function formatReportJson(report: PolicyReport): string {
  const output = {
    version: 1,
    summary: summarize(report),
    findings: report.findings,
    suppressed: report.suppressed,
    unusedSuppressions: report.unusedSuppressions,
    rules: report.rules,
  };
  return `${JSON.stringify(output, null, 2)}\n`;
}

export function summarize(report: PolicyReport): { findings: number; errors: number; warnings: number; suppressed: number } {
  return {
    findings: report.findings.length,
    errors: report.findings.filter((found) => found.severity === 'error').length,
    warnings: report.findings.filter((found) => found.severity === 'warning').length,
    suppressed: report.suppressed.length,
  };
}

/**
 * A table an engineer reads in a terminal: one row per finding (severity, rule, address), the message and the
 * fix indented below it so long text wraps without breaking the columns.
 */
export function formatReportTable(report: PolicyReport): string {
  const lines: string[] = [];
  const showStack = new Set([...report.findings, ...report.suppressed].map((found) => found.stack)).size > 1;
  const label = (found: StackFinding) => (showStack ? `${found.stack}: ${found.address}` : found.address);
  const rows = [
    ...report.findings.map((found) => ({ status: found.severity, found })),
    ...report.suppressed.map((found) => ({ status: 'suppressed', found })),
  ];
  if (rows.length > 0) {
    const widths = {
      status: Math.max('STATUS'.length, ...rows.map((row) => row.status.length)),
      rule: Math.max('RULE'.length, ...rows.map((row) => row.found.ruleId.length)),
    };
    lines.push(`${'STATUS'.padEnd(widths.status)}  ${'RULE'.padEnd(widths.rule)}  RESOURCE`);
    for (const row of rows) {
      lines.push(`${row.status.padEnd(widths.status)}  ${row.found.ruleId.padEnd(widths.rule)}  ${label(row.found)}`);
      if (row.found.constructPath !== undefined) lines.push(`    construct: ${row.found.constructPath}`);
      lines.push(`    ${row.found.message}`);
      if ('suppression' in row.found) {
        const suppressed = row.found as (typeof report.suppressed)[number];
        lines.push(`    suppressed: ${suppressed.suppression.reason} (${suppressed.suppression.source})`);
      } else {
        lines.push(`    fix: ${row.found.fix}`);
      }
    }
    lines.push('');
  }
  for (const unused of report.unusedSuppressions) {
    lines.push(`unused suppression: ${unused.rule} ${unused.address ?? unused.constructPath ?? ''} (${unused.source})`);
  }
  const summary = summarize(report);
  lines.push(
    `${summary.findings} finding(s) (${summary.errors} error(s), ${summary.warnings} warning(s)), ` +
      `${summary.suppressed} suppressed, ${report.rules.length} rule(s) run.`,
  );
  return `${lines.join('\n')}\n`;
}
