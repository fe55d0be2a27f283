import type { FailureScope } from '../plan/types';
import { formatDate, formatSeconds, formatTime, plural } from './format';
import type { MeasureSummary, ReportModel, StoreReport } from './model';
import { periodRows } from './periods';

const SCOPES: readonly FailureScope[] = ['az', 'region', 'corruption'];

/** Makes text safe inside a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)].join('\n');
}

function seconds(value: number | null): string {
  return value === null ? '-' : formatSeconds(value);
}

function against(value: number | null, objective: number | null): string {
  if (value === null) return '-';
  return objective !== null && value > objective ? `${formatSeconds(value)} (over)` : formatSeconds(value);
}

export function windowDays(model: ReportModel): number {
  return Math.round((Date.parse(model.window.until) - Date.parse(model.window.since)) / 86_400_000);
}

function measureLine(label: string, summary: MeasureSummary, what: string): string {
  if (summary.measured === 0) return `- ${label}: not measured in the window${summary.objectiveSeconds !== null ? ` (objective ${formatSeconds(summary.objectiveSeconds)})` : ''}.`;
  const objective = summary.objectiveSeconds === null ? `no ${what} objective in the plan` : `objective ${formatSeconds(summary.objectiveSeconds)}`;
  const over = summary.objectiveSeconds === null ? '' : `, ${summary.overObjective} over`;
  return `- ${label}: latest ${formatSeconds(summary.latestSeconds ?? 0)}, max ${formatSeconds(summary.maxSeconds ?? 0)} over ${plural(summary.measured, 'run')} (${objective}${over}).`;
}

function storeSection(store: StoreReport, days: number): string {
  const parts: string[] = [`## ${store.id} (${store.kind === 'database' ? store.engine : 'S3 bucket'})`, '', `**Verdict:** ${store.verdict.line}`, ''];
  const o = store.objectives;
  parts.push('### Objectives', '');
  parts.push(
    table(
      ['scope', 'RPO', 'RTO'],
      SCOPES.map((scope) => [scope, seconds(o.rpo[scope]), seconds(o.rto[scope])]),
    ),
    '',
  );
  if (store.verified) {
    parts.push(
      `Measured restore time is judged against ${seconds(o.restoreSeconds)}, data lag against ${seconds(o.dataLagSeconds)}; ` +
        `verification runs every ${seconds(o.scheduleSeconds)} and may go ${seconds(o.allowedGapSeconds)} without a success.`,
      '',
    );
  }
  if (store.kind === 'database') {
    parts.push('### Tests', '');
    if (!store.verified) {
      parts.push('No verification is configured for this database: nothing proves its backups restore.', '');
    } else {
      const r = store.runs;
      parts.push(
        `${plural(r.total, 'run')}: ${r.succeeded} passed, ${r.failed} failed, ${r.swept} swept` +
          (r.fromMetrics > 0 ? ` (${r.fromMetrics} known only from CloudWatch metrics, without an evidence record)` : '') +
          `. Last success: ${r.lastSuccess ? formatTime(r.lastSuccess) : 'none in the window'}.`,
        '',
        measureLine('Restore time', store.restore, 'restore-time'),
        measureLine('Data lag', store.dataLag, 'data-lag'),
        '',
      );
      const { unit, rows } = periodRows(store.series, days);
      parts.push(`### Restore time and data lag per ${unit}`, '');
      if (rows.length === 0) parts.push('No runs in the window.', '');
      else {
        parts.push(
          table(
            [unit === 'day' ? 'day (UTC)' : 'week of (UTC)', 'runs', 'passed', 'restore time (max)', 'data lag (max)'],
            rows.map((row) => [row.start, String(row.runs), String(row.passed), against(row.maxRestoreSeconds, o.restoreSeconds), against(row.maxDataLagSeconds, o.dataLagSeconds)]),
          ),
          '',
        );
      }
      parts.push('### Last failures', '');
      if (store.lastFailures.length === 0) parts.push('None in the window.', '');
      else {
        parts.push(
          table(
            ['ended (UTC)', 'run', 'outcome', 'reason'],
            store.lastFailures.map((f) => [formatTime(f.time), f.runId ?? '(CloudWatch only)', f.outcome, [f.reason, ...f.failedChecks].join('; ')]),
          ),
          '',
        );
      }
      parts.push('### Gaps', '');
      if (store.gaps.length === 0) parts.push(`None: there was a successful verification at least every ${seconds(o.allowedGapSeconds)}.`, '');
      else {
        parts.push(
          table(
            ['from (UTC)', 'to (UTC)', 'without a success'],
            store.gaps.map((g) => [formatTime(g.from), g.open ? `${formatTime(g.to)} (now)` : formatTime(g.to), formatSeconds(g.seconds)]),
          ),
          '',
        );
      }
    }
    if (store.backupAge) {
      parts.push(`### Backup age (${plural(store.backupAge.days, 'daily summary', 'daily summaries')})`, '');
      parts.push(
        table(
          ['region', 'max backup age', 'alarm at', 'max restorable lag', 'alarm at', 'probe errors'],
          store.backupAge.regions.map((r) => [
            r.region,
            against(r.maxBackupAgeSeconds, r.backupAgeAlarmSeconds),
            seconds(r.backupAgeAlarmSeconds),
            against(r.maxRestorableLagSeconds, r.restorableLagAlarmSeconds),
            seconds(r.restorableLagAlarmSeconds),
            String(r.errors),
          ]),
        ),
        '',
      );
    }
  } else {
    parts.push('### Replica check', '');
    const replica = store.replica;
    if (!replica) parts.push('No replica-check summaries in the window.', '');
    else {
      parts.push(
        `${plural(replica.days, 'day')} summarized (newest ends ${formatTime(replica.latest)}): ${replica.sampled} objects sampled, ` +
          `${replica.missing} missing, ${replica.mismatched} mismatched; ${plural(replica.failedRuns, 'check run')} could not read the bucket.`,
        '',
      );
      if (replica.badDays.length > 0) {
        parts.push(table(['day (UTC)', 'missing', 'mismatched'], replica.badDays.map((d) => [d.date, String(d.missing), String(d.mismatched)])), '');
      }
    }
  }
  return parts.join('\n');
}

/** The report as Markdown (tables instead of charts). */
export function renderMarkdown(model: ReportModel): string {
  const days = windowDays(model);
  const lines: string[] = [
    `# Recoverability report: ${model.name} (${model.environment})`,
    '',
    `Window: ${formatTime(model.window.since)} to ${formatTime(model.window.until)} (${plural(days, 'day')}). ` +
      `Evidence: ${model.source}; CloudWatch metrics ${model.metricsRead ? 'read where records are missing' : 'not read'}. ` +
      `Generated for ${formatTime(model.generatedAt)} by \`lifeboat report\` (report version ${model.reportVersion}).`,
    '',
    '## Verdicts',
    '',
    table(
      ['store', 'kind', 'verdict'],
      model.stores.map((store) => [store.id, store.kind === 'database' ? store.engine : 'bucket', store.verdict.line]),
    ),
    '',
    model.failing.length > 0 ? `**Overall: FAIL** (${model.failing.join(', ')}).` : `**Overall: PASS** (${plural(model.stores.length, 'store')}).`,
    '',
  ];
  for (const store of model.stores) lines.push(storeSection(store, days), '');
  if (model.unreadable.length > 0) {
    lines.push('## Unreadable records', '', 'These objects are not valid evidence records; they were left out of the report above.', '');
    for (const entry of model.unreadable) lines.push(`- \`${entry.source}\`: ${entry.problems.join('; ')}`);
    lines.push('');
  }
  if (model.overwritten.length > 0) {
    lines.push('## Overwritten or deleted records', '', 'These keys were written again or deleted after the first write; the report uses the first version, which Object Lock keeps.', '');
    for (const entry of model.overwritten) lines.push(`- \`${entry.key}\`: ${plural(entry.versions, 'version')}${entry.deleted ? ', delete marker' : ''}`);
    lines.push('');
  }
  lines.push(`<!-- ${formatDate(model.generatedAt)}: generated by lifeboat report; do not edit -->`, '');
  return lines.join('\n');
}
