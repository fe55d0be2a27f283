/**
 * Human-readable rendering of a diff report: one summary line per table, then the details of each differing table.
 */
import type { DiffReport, KeyDifference, RangeDifference, TableDiff } from './types';

const KIND_LABEL: Record<KeyDifference['kind'], string> = {
  changed: 'changed',
  'missing-in-target': 'missing in target',
  'extra-in-target': 'extra in target',
};

/** Ranges listed per table in the text report; JSON lists all. */
const MAX_RANGES_SHOWN = 20;

function formatKey(key: Record<string, string> | null, open: string): string {
  if (!key) return open;
  const parts = Object.entries(key).map(([column, value]) => `${column}=${value}`);
  return parts.length === 1 ? parts[0] : `(${parts.join(', ')})`;
}

function formatRange(range: RangeDifference): string {
  return `[${formatKey(range.from, 'start')} .. ${formatKey(range.to, 'end')}): ${range.sourceRows} rows in source, ${range.targetRows} in target`;
}

function count(n: number | undefined): string {
  return n === undefined ? '-' : String(n);
}

function summary(table: TableDiff): string {
  switch (table.status) {
    case 'identical':
      return 'identical';
    case 'missing-in-target':
      return 'missing in target';
    case 'missing-in-source':
      return 'only in target';
    default: {
      const parts: string[] = [];
      const schema = table.schema!;
      if (schema.onlyInSource.length || schema.onlyInTarget.length || schema.typeChanges.length || schema.primaryKey) parts.push('schema');
      if (!table.rowsIdentical) parts.push('rows');
      return `different (${parts.join(', ')})`;
    }
  }
}

function details(table: TableDiff): string[] {
  const lines: string[] = [];
  const schema = table.schema;
  if (schema) {
    for (const column of schema.onlyInSource) lines.push(`  column ${column} is missing in the target`);
    for (const column of schema.onlyInTarget) lines.push(`  column ${column} exists only in the target`);
    for (const change of schema.typeChanges) lines.push(`  column ${change.column} type: ${change.source} -> ${change.target} (values compared as text)`);
    if (schema.primaryKey) {
      lines.push(`  primary key: (${schema.primaryKey.source.join(', ') || 'none'}) -> (${schema.primaryKey.target.join(', ') || 'none'})`);
    }
  }
  if (table.rowsIdentical === false) {
    lines.push(`  rows differ (fingerprints over ${table.comparedColumns.length} common columns do not match)`);
  } else if (table.rowsIdentical === true) {
    lines.push(`  rows identical over the ${table.comparedColumns.length} common columns`);
  }
  const localization = table.localization;
  if (localization) {
    for (const key of localization.keys) lines.push(`    ${KIND_LABEL[key.kind].padEnd(18)} ${formatKey(key.key, '')}`);
    if (localization.ranges.length > 0) {
      lines.push(`  ${localization.ranges.length} key range(s) differ and were not narrowed down further (limits reached):`);
      for (const range of localization.ranges.slice(0, MAX_RANGES_SHOWN)) lines.push(`    ${formatRange(range)}`);
      if (localization.ranges.length > MAX_RANGES_SHOWN) {
        lines.push(`    ... and ${localization.ranges.length - MAX_RANGES_SHOWN} more (--format json lists them all)`);
      }
    }
  }
  for (const note of table.notes) lines.push(`  note: ${note}`);
  return lines;
}

/** Plain-text report: a table of results, then the details of every table that is not identical. */
export function formatDiffReport(report: DiffReport): string {
  const header = ['TABLE', 'SOURCE ROWS', 'TARGET ROWS', 'RESULT'];
  const rows = report.tables.map((t) => [t.table, count(t.sourceRows), count(t.targetRows), summary(t)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  const different = report.tables.filter((t) => t.status !== 'identical');
  const out = [
    `${report.tables.length} table(s) compared: ${report.tables.length - different.length} identical, ${different.length} different`,
    '',
    line(header),
    ...rows.map(line),
  ];
  for (const table of different) out.push('', `${table.table}:`, ...details(table));
  return `${out.join('\n')}\n`;
}
