import type { StackAddresses } from './terraform';
import { RDS_IDENTIFIER_MAX } from '../plan/naming';

export interface RunbookOptions {
  /**
   * Restore target time (UTC, ISO 8601, e.g. `2026-11-25T09:41:00Z`) to write into the commands. Without it the
   * commands use `$RESTORE_TIME`, which step 0 of each runbook asks the engineer to set.
   * @default undefined (commands reference $RESTORE_TIME)
   */
  restoreTime?: string;
  /** Name of the plan file, quoted in each runbook's header. @default 'backup_plan.json' */
  planFile?: string;
  /**
   * Terraform addresses of the synthesized stack (`loadStackAddresses(cdk.tf.json)`), written into the state steps.
   * @default looked up at run time in $TF_STACK_DIR/cdk.tf.json by the resources' physical names
   */
  addresses?: StackAddresses | null;
}

/** How commands spell the restore time and the identifier suffix derived from it. */
export interface RestoreTimeText {
  /** ISO time as the commands write it: the literal, or `${RESTORE_TIME}`. */
  time: string;
  /** `yyyymmddthhmm` suffix of new identifiers: the literal, or `${RESTORE_STAMP}`. */
  stamp: string;
  literal: boolean;
}

const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?Z$/;

/** Problems with a restore time given on the command line; empty when it is usable. */
export function restoreTimeProblems(value: string): string[] {
  const match = ISO_UTC.exec(value);
  if (!match || Number.isNaN(Date.parse(value))) {
    return [`restore time must be UTC ISO 8601 like 2026-11-25T09:41:00Z, got "${value}"`];
  }
  return new Date(value).toISOString().slice(0, 19) === value.slice(0, 19) ? [] : [`restore time ${value} is not a real date`];
}

export function restoreTimeText(options: RunbookOptions): RestoreTimeText {
  if (options.restoreTime === undefined) return { time: '${RESTORE_TIME}', stamp: '${RESTORE_STAMP}', literal: false };
  return { time: options.restoreTime, stamp: stampOf(options.restoreTime), literal: true };
}

/** `2026-11-25T09:41:00Z` -> `20261125t0941`: what step 0's shell line computes, so both spellings agree. */
export function stampOf(isoTime: string): string {
  return isoTime.replace(/[:-]/g, '').slice(0, 13).replace('T', 't');
}

/** The shell line that derives RESTORE_STAMP from RESTORE_TIME exactly like `stampOf`. */
export const STAMP_SHELL_LINE = `export RESTORE_STAMP="$(printf '%s' "$RESTORE_TIME" | tr -d ':-' | cut -c1-13 | tr 'T' 't')"`;

/** Length of the `yyyymmddthhmm` stamp once the shell has expanded it. */
const STAMP_LENGTH = 13;

/** What an identifier created or renamed during an incident says about the resource. */
export type IncidentLabel = 'restore' | 'damaged' | 'stale' | 'retired';

/**
 * `<identifier>-<label>-<stamp>`, with the identifier shortened when needed so the result, plus `reserve` more
 * characters (e.g. `-1` for a cluster's first instance), stays within RDS's 63 characters and never ends in a hyphen.
 */
export function incidentIdentifier(identifier: string, label: IncidentLabel, stamp: string, reserve = 0): string {
  const room = RDS_IDENTIFIER_MAX - reserve - (label.length + 2 + STAMP_LENGTH);
  const base = identifier.length > room ? identifier.slice(0, room).replace(/-+$/, '') : identifier;
  return `${base}-${label}-${stamp}`;
}

/** Identifier of a point-in-time restore of `identifier`: `<identifier>-restore-<stamp>`, within RDS limits. */
export function restoreIdentifier(identifier: string, stamp: string, reserve = 0): string {
  return incidentIdentifier(identifier, 'restore', stamp, reserve);
}
