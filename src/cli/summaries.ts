/**
 * One line per command for `lifeboat --help`. Kept apart from the commands so the dispatcher can print help and
 * pick a command without loading every command (and its SDK clients, drivers and zod schemas) at start-up.
 */
export const VERIFY_DATA_SUMMARY =
  'Run data checks (tables, row counts, freshness, SQL assertions) against a database, read-only';
export const CHECK_SUMMARY =
  'Check synthesized Terraform JSON (cdk.tf.json or cdktf.out) against the policy packs';
export const CHECKPOINT_SUMMARY =
  'Take a tagged manual snapshot of a database (optionally copied to the DR region) before a risky change';
export const DIFF_SUMMARY =
  'Compare the tables of two databases (e.g. a restore and its source) without moving the rows';
export const FAILOVER_SUMMARY =
  "Fail a database over to its DR standby (replica promotion, global switchover or failover), refused when the lag exceeds the RPO";
export const PLAN_SUMMARY =
  'Choose mechanisms for the objectives and report what AWS cannot deliver';
export const REPORT_SUMMARY =
  'Report the evidence of tested restores per store: objectives, runs, restore time and data lag, failures, gaps, verdict';
export const RESTORE_SUMMARY =
  'Restore a database to a point in time into a NEW instance or cluster (dry-run unless --execute), then verify it';
export const RUNBOOK_SUMMARY =
  'Write one Markdown runbook per store (assess, restore, verify, switch, fail over, fail back) from a plan';
export const SCHEMA_SUMMARY =
  'Print the JSON Schema of backup_requirements.json';
export const STATUS_SUMMARY =
  'Are the objectives holding now? Measured lag, backups, verification, alarms and drift from the plan, per store';
export const VALIDATE_SUMMARY =
  'Validate a backup_requirements.json and list every problem';
