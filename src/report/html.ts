import type { FailureScope } from '../plan/types';
import { escapeXml, renderChart } from './chart';
import { formatSeconds, formatTime, plural } from './format';
import { windowDays } from './markdown';
import type { ReportModel, StoreReport, VerdictStatus } from './model';

const SCOPES: readonly FailureScope[] = ['az', 'region', 'corruption'];

const STYLE = `
body { font-family: -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif; color: #1d2125; margin: 2rem auto; max-width: 960px; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .25rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #d0d4d9; padding-bottom: .2rem; } h3 { margin-top: 1.5rem; font-size: 1.05rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .9rem; } th, td { border: 1px solid #d0d4d9; padding: .25rem .6rem; text-align: left; vertical-align: top; }
th { background: #f3f4f6; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.verdict { padding: .5rem .8rem; border-radius: 4px; font-weight: 600; margin: .5rem 0 1rem; }
.pass { background: #e6f4ea; color: #14532d; } .warn { background: #fff7e0; color: #6b4e00; } .fail { background: #fde8e8; color: #7f1d1d; } .unverified { background: #eef0f3; color: #333; }
.over { color: #b42318; font-weight: 600; } .meta { color: #555; font-size: .9rem; } svg.chart { display: block; margin: .5rem 0 1rem; max-width: 100%; height: auto; }
code { font-size: .85rem; }
`;

const e = escapeXml;

function seconds(value: number | null): string {
  return value === null ? '-' : formatSeconds(value);
}

function against(value: number | null, objective: number | null): string {
  if (value === null) return '-';
  return objective !== null && value > objective ? `<span class="over">${e(formatSeconds(value))}</span>` : e(formatSeconds(value));
}

function table(header: string[], rows: string[][], numeric: number[] = []): string {
  const head = `<tr>${header.map((h) => `<th>${e(h)}</th>`).join('')}</tr>`;
  const body = rows.map((row) => `<tr>${row.map((c, i) => `<td${numeric.includes(i) ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table>\n${head}\n${body}\n</table>`;
}

function verdict(status: VerdictStatus, line: string): string {
  return `<p class="verdict ${status}">${e(line)}</p>`;
}

function storeSection(store: StoreReport, model: ReportModel): string {
  const from = Date.parse(model.window.since);
  const to = Date.parse(model.window.until);
  const o = store.objectives;
  const parts: string[] = [
    `<section class="store" id="store-${e(store.id)}">`,
    `<h2>${e(store.id)} <span class="meta">(${e(store.kind === 'database' ? store.engine : 'S3 bucket')})</span></h2>`,
    verdict(store.verdict.status, store.verdict.line),
    '<h3>Objectives</h3>',
    table(['scope', 'RPO', 'RTO'], SCOPES.map((scope) => [scope, e(seconds(o.rpo[scope])), e(seconds(o.rto[scope]))])),
  ];
  if (store.verified) {
    parts.push(
      `<p>Measured restore time is judged against <b>${e(seconds(o.restoreSeconds))}</b>, data lag against <b>${e(seconds(o.dataLagSeconds))}</b>; ` +
        `verification runs every ${e(seconds(o.scheduleSeconds))} and may go ${e(seconds(o.allowedGapSeconds))} without a success.</p>`,
    );
  }
  if (store.kind === 'database') {
    parts.push('<h3>Tests</h3>');
    if (!store.verified) parts.push('<p>No verification is configured for this database: nothing proves its backups restore.</p>');
    else {
      const r = store.runs;
      parts.push(
        `<p>${e(plural(r.total, 'run'))}: ${r.succeeded} passed, ${r.failed} failed, ${r.swept} swept` +
          (r.fromMetrics > 0 ? ` (${r.fromMetrics} known only from CloudWatch metrics, without an evidence record)` : '') +
          `. Last success: ${e(r.lastSuccess ? formatTime(r.lastSuccess) : 'none in the window')}.</p>`,
      );
      const points = (pick: 'restoreSeconds' | 'dataLagSeconds') =>
        store.series.map((p) => ({ time: Date.parse(p.time), value: p[pick], failed: p.outcome !== 'succeeded' }));
      parts.push(
        '<h3>Restore time</h3>',
        renderChart({ id: `${store.id}-restore`, title: `${store.id}: measured restore time per run`, yLabel: 'restore time', points: points('restoreSeconds'), objectiveSeconds: o.restoreSeconds, from, to }),
        '<h3>Data lag</h3>',
        renderChart({ id: `${store.id}-data-lag`, title: `${store.id}: measured data lag per run`, yLabel: 'data lag', points: points('dataLagSeconds'), objectiveSeconds: o.dataLagSeconds, from, to }),
        '<h3>Last failures</h3>',
      );
      if (store.lastFailures.length === 0) parts.push('<p>None in the window.</p>');
      else {
        parts.push(
          table(
            ['ended (UTC)', 'run', 'outcome', 'reason'],
            store.lastFailures.map((f) => [
              e(formatTime(f.time)),
              f.runId ? `<code>${e(f.runId)}</code>` : '(CloudWatch only)',
              e(f.outcome),
              [e(f.reason), ...f.failedChecks.map((c) => `<br><code>${e(c)}</code>`)].join(''),
            ]),
          ),
        );
      }
      parts.push('<h3>Gaps</h3>');
      if (store.gaps.length === 0) parts.push(`<p>None: there was a successful verification at least every ${e(seconds(o.allowedGapSeconds))}.</p>`);
      else {
        parts.push(
          table(
            ['from (UTC)', 'to (UTC)', 'without a success'],
            store.gaps.map((g) => [e(formatTime(g.from)), e(g.open ? `${formatTime(g.to)} (now)` : formatTime(g.to)), `<span class="over">${e(formatSeconds(g.seconds))}</span>`]),
            [2],
          ),
        );
      }
    }
    if (store.backupAge) {
      parts.push(
        `<h3>Backup age (${e(plural(store.backupAge.days, 'daily summary', 'daily summaries'))})</h3>`,
        table(
          ['region', 'max backup age', 'alarm at', 'max restorable lag', 'alarm at', 'probe errors'],
          store.backupAge.regions.map((r) => [
            e(r.region),
            against(r.maxBackupAgeSeconds, r.backupAgeAlarmSeconds),
            e(seconds(r.backupAgeAlarmSeconds)),
            against(r.maxRestorableLagSeconds, r.restorableLagAlarmSeconds),
            e(seconds(r.restorableLagAlarmSeconds)),
            String(r.errors),
          ]),
          [1, 2, 3, 4, 5],
        ),
      );
    }
  } else {
    parts.push('<h3>Replica check</h3>');
    const replica = store.replica;
    if (!replica) parts.push('<p>No replica-check summaries in the window.</p>');
    else {
      parts.push(
        `<p>${e(plural(replica.days, 'day'))} summarized (newest ends ${e(formatTime(replica.latest))}): ${replica.sampled} objects sampled, ` +
          `${replica.missing} missing, ${replica.mismatched} mismatched; ${e(plural(replica.failedRuns, 'check run'))} could not read the bucket.</p>`,
      );
      if (replica.badDays.length > 0) {
        parts.push(table(['day (UTC)', 'missing', 'mismatched'], replica.badDays.map((d) => [e(d.date), String(d.missing), String(d.mismatched)]), [1, 2]));
      }
    }
  }
  parts.push('</section>');
  return parts.join('\n');
}

/** The report as one self-contained HTML file: inline CSS and SVG charts, no script, nothing fetched. */
export function renderHtml(model: ReportModel): string {
  const days = windowDays(model);
  const overall = model.failing.length > 0 ? `Overall: FAIL (${model.failing.join(', ')})` : `Overall: PASS (${plural(model.stores.length, 'store')})`;
  const body: string[] = [
    `<h1>Recoverability report: ${e(model.name)} (${e(model.environment)})</h1>`,
    `<p class="meta">Window: ${e(formatTime(model.window.since))} to ${e(formatTime(model.window.until))} (${e(plural(days, 'day'))}). ` +
      `Evidence: ${e(model.source)}; CloudWatch metrics ${model.metricsRead ? 'read where records are missing' : 'not read'}. ` +
      `Generated for ${e(formatTime(model.generatedAt))} by <code>lifeboat report</code> (report version ${model.reportVersion}).</p>`,
    '<h2>Verdicts</h2>',
    table(
      ['store', 'kind', 'verdict'],
      model.stores.map((s) => [`<a href="#store-${e(s.id)}">${e(s.id)}</a>`, e(s.kind === 'database' ? s.engine : 'bucket'), `<span class="verdict-line ${s.verdict.status}">${e(s.verdict.line)}</span>`]),
    ),
    verdict(model.failing.length > 0 ? 'fail' : 'pass', overall),
    ...model.stores.map((store) => storeSection(store, model)),
  ];
  if (model.unreadable.length > 0) {
    body.push(
      '<h2>Unreadable records</h2>',
      '<p>These objects are not valid evidence records; they were left out of the report above.</p>',
      `<ul>\n${model.unreadable.map((u) => `<li><code>${e(u.source)}</code>: ${e(u.problems.join('; '))}</li>`).join('\n')}\n</ul>`,
    );
  }
  if (model.overwritten.length > 0) {
    body.push(
      '<h2>Overwritten or deleted records</h2>',
      '<p>These keys were written again or deleted after the first write; the report uses the first version, which Object Lock keeps.</p>',
      `<ul>\n${model.overwritten.map((o) => `<li><code>${e(o.key)}</code>: ${e(plural(o.versions, 'version'))}${o.deleted ? ', delete marker' : ''}</li>`).join('\n')}\n</ul>`,
    );
  }
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Recoverability report: ${e(model.name)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
