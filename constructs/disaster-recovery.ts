import { Construct } from 'constructs';
import { planBackups } from '../src/plan/planner';
import type { BackupPlan, StorePlan } from '../src/plan/types';
import type { Requirements } from '../src/spec/types';
import { formatDuration } from '../src/spec/duration';
import { AlertTopics } from './alert-topics';
import { AlarmTopics, ObjectiveAlarm } from './alarm';
import { replicatedBucketFromPlan } from './from-plan/bucket';
import { databaseFromPlan, stackDatabaseKey } from './from-plan/database';
import { backupAgeProbePropsFromPlan, replicationCheckPropsFromPlan } from './from-plan/probes';
import { verificationRestorePropsFromPlan } from './from-plan/verification';
import { stackAccount } from './account';
import { BackupAgeProbe } from './backup-age-probe';
import { EvidenceBucket } from './evidence-bucket';
import { planEvidence } from '../src/plan/evidence';
import { ProtectedDatabase } from './protected-database';
import { ReplicatedBucket } from './replicated-bucket';
import { ReplicationCheck } from './replication-check';
import { VerificationRestore } from './verification-restore';
import { DashboardStore, RecoveryDashboard } from './recovery-dashboard';
import { ref } from './private/reference';

export interface DisasterRecoveryProps {
  /** The plan to render (from `planBackups`, or a reviewed `backup_plan.json`). Exactly one of plan/requirements. @default planned from `requirements` */
  readonly plan?: BackupPlan;
  /** Parsed requirements (`parseRequirements`/`loadRequirements`), planned here. @default none: `plan` is used */
  readonly requirements?: Requirements;
  /** Render the plan even when it has error findings (objectives AWS cannot meet). @default false */
  readonly allowPlanErrors?: boolean;
}

/**
 * Everything a backup plan chooses, in the right regions: the alert path (an encrypted SNS topic per region, or the
 * spec's existing topic), protected buckets and databases, AWS Backup vaults, verification restores, probes, their
 * alarms, and a dashboard that puts each store's objectives beside the live figures. Construct ids derive only from
 * store ids, so reordering or adding stores never replaces another store's resources.
 */
export class DisasterRecovery extends Construct {
  /** The rendered plan. */
  public readonly plan: BackupPlan;
  /** SNS topic ARN per region that every alarm notifies. */
  public readonly alarmTopics: AlarmTopics;
  /** The constructs created per store id. */
  public readonly stores: ReadonlyMap<string, Construct>;

  constructor(scope: Construct, id: string, props: DisasterRecoveryProps) {
    super(scope, id);
    if ((props.plan === undefined) === (props.requirements === undefined)) {
      throw new Error(`DisasterRecovery ${this.node.path}: pass exactly one of 'plan' or 'requirements'`);
    }
    const plan = props.plan ?? planBackups(props.requirements as Requirements);
    const errors = plan.findings.filter((finding) => finding.severity === 'error');
    if (errors.length > 0 && !props.allowPlanErrors) {
      throw new Error(
        `DisasterRecovery ${this.node.path}: the plan has ${errors.length} error(s); AWS cannot meet these objectives as written:\n` +
          errors.map((f) => `  ${f.code} ${f.store ?? ''}${f.scope ? `/${f.scope}` : ''}: ${f.message} Fix: ${f.fix}`).join('\n'),
      );
    }
    this.plan = plan;

    const tags = Object.keys(plan.tags).length > 0 ? { ...plan.tags } : undefined;
    const regions = [plan.regions.primary, plan.regions.dr];
    const existingTopicArns: Record<string, string> = {};
    if (plan.alerts.topicArn) existingTopicArns[plan.alerts.topicArn.split(':')[3]] = plan.alerts.topicArn;
    const alerts = new AlertTopics(this, 'alerts', {
      regions,
      namePrefix: plan.name,
      emails: plan.alerts.emails,
      httpsEndpoints: plan.alerts.httpsEndpoints,
      existingTopicArns,
      tags,
    });
    this.alarmTopics = alerts.topics;

    // Stores live in their own scope so no store id can collide with the shared constructs' ids.
    const storeScope = new Construct(this, 'stores');
    const stores = new Map<string, Construct>();
    for (const store of plan.stores) {
      const construct =
        store.kind === 'bucket'
          ? replicatedBucketFromPlan(storeScope, plan, store, { alarmTopics: this.alarmTopics })
          : databaseFromPlan(storeScope, plan, store, { alarmTopics: this.alarmTopics });
      stores.set(store.id, construct);
    }
    this.stores = stores;

    // Proof: verification restores (one Lambda per verification region), backup age and replica checks, and the
    // locked bucket where each of them leaves its evidence.
    const evidence = new EvidenceBucket(this, 'evidence', { plan: plan.evidence ?? planEvidence(plan), alarmTopics: this.alarmTopics, tags }).destination;
    const automatedBackupsArns: Record<string, string> = {};
    const sourceKmsKeyArns: Record<string, string> = {};
    const bucketKeyArns: Record<string, { source: string; replica: string }> = {};
    for (const store of plan.stores) {
      const construct = stores.get(store.id);
      if (store.kind === 'database') {
        if (construct instanceof ProtectedDatabase && construct.backupReplication) {
          automatedBackupsArns[store.id] = ref(construct.backupReplication, 'id');
        }
        if (store.verification) {
          const restoreRegion = store.verification.region;
          sourceKmsKeyArns[store.id] = stackDatabaseKey(this, { region: restoreRegion, aliasPrefix: plan.name, tags }).keyArn;
        }
      } else if (construct instanceof ReplicatedBucket) {
        bucketKeyArns[store.id] = { source: construct.source.key.keyArn, replica: construct.replica.key.keyArn };
      }
    }
    // Each store's alarms, from the constructs that render them: its own construct, then the proof constructs.
    const alarmsByStore = new Map<string, ObjectiveAlarm[]>(plan.stores.map((store) => [store.id, ObjectiveAlarm.findAll(stores.get(store.id) as Construct)]));
    const addStoreAlarms = (storeId: string, alarms: ObjectiveAlarm[]) => alarmsByStore.get(storeId)?.push(...alarms);
    // The planner split each purpose's stores over functions (Lambda allows 4 KB of environment, IAM 10 KB of inline
    // policy per role) and named them (plan.shared.functions); render exactly those.
    const served = <T>(items: readonly T[], id: (item: T) => string, storeIds: readonly string[]) => items.filter((item) => storeIds.includes(id(item)));
    const verifications = new Map(regions.map((region) => [region, verificationRestorePropsFromPlan(plan, region, { alarmTopics: this.alarmTopics, automatedBackupsArns, sourceKmsKeyArns })]));
    const probe = backupAgeProbePropsFromPlan(plan, { alarmTopics: this.alarmTopics, account: stackAccount(this) });
    const replicaCheck = replicationCheckPropsFromPlan(plan, { alarmTopics: this.alarmTopics, kmsKeyArns: bucketKeyArns });
    for (const fn of plan.shared.functions) {
      if (fn.purpose === 'verification') {
        const verification = verifications.get(fn.region);
        if (!verification) throw new Error(`DisasterRecovery ${this.node.path}: plan function ${fn.id} verifies stores in ${fn.region}, which the plan does not verify there`);
        const share = served(verification.stores, (store) => store.storeId, fn.storeIds);
        const restore = new VerificationRestore(this, fn.id, { ...verification, namePrefix: fn.namePrefix, stores: share, evidence });
        for (const store of share) addStoreAlarms(store.storeId, storeAlarms(restore.alarms, store.storeId));
      } else if (fn.purpose === 'backup-age-probe' && probe) {
        const share = served(probe.stores, (store) => store.storeId, fn.storeIds);
        const ageProbe = new BackupAgeProbe(this, fn.id, { ...probe, region: fn.region, namePrefix: fn.namePrefix, stores: share, evidence });
        for (const store of share) addStoreAlarms(store.storeId, storeAlarms(ageProbe.alarms, store.storeId));
      } else if (fn.purpose === 'replica-check' && replicaCheck) {
        const share = served(replicaCheck.buckets, (bucket) => bucket.storeId, fn.storeIds);
        const check = new ReplicationCheck(this, fn.id, { ...replicaCheck, region: fn.region, namePrefix: fn.namePrefix, alarmNamePrefix: plan.name, buckets: share, evidence });
        for (const bucket of share) addStoreAlarms(bucket.storeId, [check.alarms[bucket.storeId]]);
      }
    }

    new RecoveryDashboard(this, 'dashboard', {
      region: plan.regions.primary,
      dashboardName: plan.shared.dashboardName,
      stores: plan.stores.map((store): DashboardStore => ({
        storeId: store.id,
        objectives: objectiveLines(store),
        alarms: alarmsByStore.get(store.id) ?? [],
      })),
    });
  }
}

/** The alarms of one store in a multi-store construct's `<storeId>/<alarm id>` record, in creation order. */
function storeAlarms(alarms: Readonly<Record<string, ObjectiveAlarm>>, storeId: string): ObjectiveAlarm[] {
  return Object.entries(alarms)
    .filter(([key]) => key.startsWith(`${storeId}/`))
    .map(([, alarm]) => alarm);
}

function objectiveLines(store: StorePlan): string[] {
  const human = (seconds: number | undefined) => (seconds === undefined ? '-' : formatDuration(seconds));
  const lines = ['| scope | RPO | RTO | design RPO / RTO | met |', '|---|---|---|---|---|'];
  for (const scope of ['az', 'region', 'corruption'] as const) {
    const plan = store.scopes[scope];
    if (plan.objective.rpo === null && plan.objective.rto === null) continue;
    const design = plan.design ? `${plan.design.rpo.human} / ${plan.design.rto.human} (est.)` : '-';
    lines.push(
      `| ${scope} | ${human(plan.objective.rpo?.seconds)} | ${human(plan.objective.rto?.seconds)} | ${design} | ${plan.met ? 'yes' : '**no**'} |`,
    );
  }
  return lines;
}
