import {
  checkEvidence,
  EVIDENCE_FORMAT_VERSION,
  EVIDENCE_PREFIXES,
  evidenceKeyFor,
  parseEvidenceJson,
  serializeEvidence,
  type RunOutcome,
  type VerificationRunRecord,
  type VerificationSteps,
} from '../../src/evidence/record';
import type { CheckReport } from '../../src/checks/types';
import type { EvidenceStore } from '../shared/evidence-store';
import type { VerifyStoreConfig } from './config';

/** The key prefix of the verification records (and claims), below which the function's role may write. */
export const VERIFY_EVIDENCE_PREFIX = `${EVIDENCE_PREFIXES['verification-run']}/`;

/** What a run's end knows; the recorder turns it into the record. */
export interface RunEnding {
  readonly runId: string;
  readonly startedAt: Date;
  readonly targetTime?: Date;
  readonly outcome: RunOutcome;
  /** Why it failed or was swept; ignored for `succeeded`. */
  readonly reason?: string;
  readonly restoreSeconds?: number;
  readonly restoreEndedAt?: Date;
  readonly availableAt?: Date;
  readonly checksStartedAt?: Date;
  readonly checksEndedAt?: Date;
  /** The check run (absent: the run ended before the checks). */
  readonly report?: CheckReport;
}

const iso = (date: Date | undefined): string | null => (date ? date.toISOString() : null);

/**
 * Writes each run's evidence record exactly once: the record's key is fixed by the store, the run's start and its
 * id, and the write is a conditional create, so a second invocation ending the same run (a retry after a crash, or
 * a sweep racing a verification) finds the record there and publishes nothing twice.
 */
export class RunRecorder {
  constructor(
    private readonly store: EvidenceStore,
    private readonly handlerVersion: string,
    private readonly now: () => Date,
  ) {}

  /** The record's key relative to the store's prefix. */
  key(storeId: string, runId: string, startedAt: Date): string {
    return evidenceKeyFor('verification-run', storeId, startedAt.toISOString(), runId).slice(VERIFY_EVIDENCE_PREFIX.length);
  }

  /**
   * The record of a run that ends now. It is written before the cleanup and the delete is requested right after it,
   * so `steps.delete.startedAt` is the time the run ended (its end is not waited for: null).
   */
  build(store: VerifyStoreConfig, ending: RunEnding): VerificationRunRecord {
    const report = ending.report;
    const notRun = report?.error ? `not run: ${report.error}` : ending.reason ? `not run: ${ending.reason}` : 'not run';
    const checks = store.checks.map((spec, index) => checkEvidence(spec, report?.results[index], notRun));
    const recordedAt = this.now();
    const steps: VerificationSteps = {
      restore: { startedAt: iso(ending.startedAt), endedAt: iso(ending.restoreEndedAt) },
      available: ending.restoreEndedAt ? { startedAt: iso(ending.restoreEndedAt), endedAt: iso(ending.availableAt) } : { startedAt: null, endedAt: null },
      checks: ending.checksStartedAt ? { startedAt: iso(ending.checksStartedAt), endedAt: iso(ending.checksEndedAt) } : { startedAt: null, endedAt: null },
      delete: { startedAt: iso(recordedAt), endedAt: null },
    };
    return {
      formatVersion: EVIDENCE_FORMAT_VERSION,
      kind: 'verification-run',
      store: store.storeId,
      region: store.restoreRegion,
      runId: ending.runId,
      handlerVersion: this.handlerVersion,
      recordedAt: recordedAt.toISOString(),
      engine: store.engine,
      source: { identifier: store.sourceIdentifier, kind: store.kind, automatedBackupsArn: store.sourceAutomatedBackupsArn ?? null },
      targetTime: iso(ending.targetTime),
      startedAt: ending.startedAt.toISOString(),
      endedAt: new Date(Math.max(recordedAt.getTime(), ending.startedAt.getTime())).toISOString(),
      steps,
      restoreSeconds: ending.restoreSeconds ?? null,
      dataLagSeconds: report?.dataLagSeconds ?? null,
      connected: report?.connected ?? false,
      checks,
      outcome: ending.outcome,
      reason: ending.outcome === 'succeeded' ? null : (ending.reason ?? 'failed'),
    };
  }

  /** Writes the record unless the run already has one. True: this call wrote it. */
  async write(record: VerificationRunRecord): Promise<boolean> {
    return this.store.createOnce(this.key(record.store, record.runId, new Date(record.startedAt)), serializeEvidence(record));
  }

  /** The run's record, if one was written (and reads as a valid record). */
  async existing(storeId: string, runId: string, startedAt: Date): Promise<VerificationRunRecord | undefined> {
    const text = await this.store.read(this.key(storeId, runId, startedAt));
    if (text === undefined) return undefined;
    const parsed = parseEvidenceJson(text);
    return parsed.ok && parsed.record.kind === 'verification-run' ? parsed.record : undefined;
  }
}
