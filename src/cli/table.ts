/**
 * The human view of a BackupPlan: per store and failure scope, objective vs design RPO/RTO, met or not, and the
 * mechanisms; then the findings. Plain text padded by hand, at most `width` columns.
 */
import { FAILURE_SCOPES } from '../spec/types';
import type { BackupPlan, Finding, PlanDuration, ScopePlan } from '../plan/types';

export const TABLE_WIDTH = 100;

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= width) line = `${line} ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  // A single word longer than the width is cut rather than overflowing the terminal.
  return lines.flatMap((l) => (l.length <= width ? [l] : l.match(new RegExp(`.{1,${width}}`, 'g')) ?? [l]));
}

const show = (d: PlanDuration | null | undefined) => (d ? d.human : '-');

interface Column {
  title: string;
  align: 'left' | 'right';
}

const COLUMNS: Column[] = [
  { title: 'STORE', align: 'left' },
  { title: 'SCOPE', align: 'left' },
  { title: 'RPO', align: 'right' },
  { title: 'DESIGN', align: 'right' },
  { title: 'RTO', align: 'right' },
  { title: 'DESIGN', align: 'right' },
  { title: 'MET', align: 'left' },
  { title: 'MECHANISMS', align: 'left' },
];

function scopeCells(store: string, scope: ScopePlan): string[] {
  return [
    store,
    scope.scope,
    show(scope.objective.rpo),
    show(scope.design?.rpo),
    show(scope.objective.rto),
    show(scope.design?.rto),
    scope.met ? 'yes' : 'NO',
    scope.mechanisms.length > 0 ? scope.mechanisms.join(', ') : '(none needed)',
  ];
}

export function renderPlanTable(plan: BackupPlan, width = TABLE_WIDTH): string {
  const out: string[] = [];
  out.push(`Backup plan "${plan.name}" (${plan.environment}): primary ${plan.regions.primary}, DR ${plan.regions.dr}`);
  out.push(...wrap(plan.estimatesNote, width));
  out.push('');

  const rows: string[][] = [];
  for (const store of plan.stores) {
    FAILURE_SCOPES.forEach((scope, i) => rows.push(scopeCells(i === 0 ? store.id : '', store.scopes[scope])));
  }
  const fixed = COLUMNS.slice(0, -1).map((column, c) => Math.max(column.title.length, ...rows.map((r) => r[c].length)));
  const gap = 2;
  const fixedWidth = fixed.reduce((sum, w) => sum + w + gap, 0);
  const mechanismWidth = Math.max(16, width - fixedWidth);
  const pad = (text: string, w: number, align: 'left' | 'right') => (align === 'left' ? text.padEnd(w) : text.padStart(w));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c < fixed.length ? pad(cell, fixed[c], COLUMNS[c].align) : cell))
      .join(' '.repeat(gap))
      .trimEnd();

  out.push(line(COLUMNS.map((c) => c.title)));
  let previousStore = '';
  for (const row of rows) {
    if (row[0] !== '' && previousStore !== '') out.push('');
    if (row[0] !== '') previousStore = row[0];
    const mechanismLines = wrap(row[row.length - 1], mechanismWidth);
    out.push(line([...row.slice(0, -1), mechanismLines[0]]));
    for (const more of mechanismLines.slice(1)) out.push(line([...fixed.map(() => ''), more]));
  }
  out.push('');

  const { errors, warnings, infos } = plan.summary;
  out.push(`FINDINGS: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}, ${infos} info${infos === 1 ? '' : 's'}`);
  for (const finding of plan.findings) out.push(...renderFinding(finding, width));
  out.push('');
  out.push(errors > 0 ? `Plan has ${errors} error${errors === 1 ? '' : 's'}: AWS cannot deliver these objectives as specified.` : 'Plan OK: every objective is met by design.');
  return `${out.join('\n')}\n`;
}

function renderFinding(finding: Finding, width: number): string[] {
  const indent = '    ';
  const where = [finding.store, finding.scope].filter(Boolean).join('/') || 'plan';
  const lines = [`  ${finding.severity.toUpperCase().padEnd(7)} ${finding.code}  ${where}`];
  lines.push(...wrap(finding.message, width - indent.length).map((l) => `${indent}${l}`));
  lines.push(...wrap(`fix: ${finding.fix}`, width - indent.length).map((l) => `${indent}${l}`));
  return lines;
}
