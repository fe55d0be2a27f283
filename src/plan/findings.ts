/**
 * Every finding code the planner can emit, with its severity. Codes are stable: CI pipelines and suppressions key
 * off them. Errors mean AWS cannot deliver the objective as specified; `lifeboat plan` exits 1 on any error.
 */
import type { Severity } from './types';

export const FINDING_CODES = {
  'LB-PLAN-EMPTY': { severity: 'warning', summary: 'the spec has no stores, so the plan protects nothing' },
  'LB-NAME-INVALID': { severity: 'error', summary: 'a physical name breaks an AWS length or character limit' },
  'LB-NAME-COLLISION': { severity: 'error', summary: 'two resources would have the same physical name in one region' },
  'LB-NETWORK-NO-SECURITY-GROUPS': { severity: 'error', summary: 'a DR standby needs security groups in network.dr' },
  'LB-OBJECTIVE-MISSING': { severity: 'warning', summary: 'a failure scope has no RPO/RTO, so the plan cannot judge it' },
  'LB-DB-AZ-RTO-BELOW-FAILOVER': { severity: 'error', summary: 'AZ RTO below the Multi-AZ failover time' },
  'LB-DB-MULTI-AZ-REFUSED': { severity: 'error', summary: 'the AZ objective needs Multi-AZ but the spec sets multiAz: false' },
  'LB-DB-CORRUPTION-RPO-BELOW-PITR': { severity: 'error', summary: 'corruption RPO below the 5-minute log upload interval' },
  'LB-DB-CORRUPTION-RTO-BELOW-RESTORE': { severity: 'error', summary: 'corruption RTO below the time to restore a new instance' },
  'LB-DB-CORRUPTION-RTO-BELOW-BACKTRACK': { severity: 'error', summary: 'corruption RTO below the time of an Aurora backtrack' },
  'LB-DB-REGION-RPO-NEEDS-AURORA-GLOBAL': { severity: 'error', summary: 'region RPO below a cross-region read replica: needs Aurora global database' },
  'LB-DB-REGION-RTO-BELOW-PROMOTION': { severity: 'error', summary: 'region RTO below the promotion time of a cross-region read replica' },
  'LB-DB-REGION-RTO-BELOW-FAILOVER': { severity: 'error', summary: 'region RTO below the Aurora global database failover time' },
  'LB-DB-REGION-STANDBY-ADDED': { severity: 'info', summary: 'the region objective needs a standby in the DR region; the planner added one' },
  'LB-DB-GLOBAL-RPO-ENFORCED': { severity: 'info', summary: 'rds.global_db_rpo enforces the region RPO (writes pause when lag exceeds it)' },
  'LB-DB-GLOBAL-RPO-NOT-ENFORCEABLE': { severity: 'warning', summary: 'the region RPO is met typically but AWS cannot enforce it' },
  'LB-DB-BACKTRACK-WITH-GLOBAL': { severity: 'error', summary: 'Aurora backtrack cannot be combined with a global database' },
  'LB-DB-LONG-TERM-AWS-BACKUP': { severity: 'info', summary: 'retention past 35 days comes from AWS Backup, not RDS' },
  'LB-DB-VAULT-LOCK-COMPLIANCE': { severity: 'info', summary: 'compliance vault lock becomes irreversible after its grace time' },
  'LB-DB-EXISTING-CANNOT-ENFORCE': { severity: 'warning', summary: 'settings of an adopted database that Lifeboat cannot enforce' },
  'LB-DB-INSTANCE-CLASS-UNKNOWN': { severity: 'error', summary: 'a replica needs an instance class and none is given' },
  'LB-DB-NO-VERIFICATION': { severity: 'warning', summary: 'no verification: restores are never proven' },
  'LB-VERIFY-NO-CHECKS': { severity: 'warning', summary: 'verification restores but checks no data' },
  'LB-VERIFY-NO-FRESHNESS': { severity: 'info', summary: 'no freshness check: the real RPO (data lag) is not measured' },
  'LB-VERIFY-NO-BACKUPS-IN-REGION': { severity: 'error', summary: 'verification region has no backups to restore' },
  'LB-VERIFY-DR-BACKUPS-ADDED': { severity: 'info', summary: 'backups replicated to the DR region so verification can restore there' },
  'LB-S3-RPO-BELOW-RTC': { severity: 'error', summary: 'S3 RPO below the 15-minute Replication Time Control target' },
  'LB-S3-RTO-BELOW-SWITCH': { severity: 'error', summary: 'S3 RTO below the time to point clients at the replica' },
  'LB-S3-RTO-REPLICA-ARCHIVED': { severity: 'error', summary: 'S3 RTO below the restore time of archived replicas' },
  'LB-S3-ONEZONE-IA': { severity: 'warning', summary: 'One Zone-IA keeps data in a single AZ' },
  'LB-S3-OBJECT-LOCK-COMPLIANCE': { severity: 'info', summary: 'compliance-mode Object Lock: nobody can delete locked versions early' },
} as const satisfies Record<string, { severity: Severity; summary: string }>;

export type FindingCode = keyof typeof FINDING_CODES;
