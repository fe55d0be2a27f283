import { randomUUID } from 'node:crypto';
import type { EvidenceStore } from '../shared/evidence-store';

/**
 * Margin for clock differences between invocations: a claim counts as expired only this long after its deadline.
 * (Lambda ends an invocation at its timeout, so a holder is gone by its deadline; the margin covers clock skew.)
 */
export const CLAIM_SKEW_MS = 30_000;

/** A claim this invocation holds on one run. */
export interface RunClaim {
  readonly storeId: string;
  readonly runId: string;
  /** Attempt number: 1 for the first claim on the run, then one more per takeover. */
  readonly attempt: number;
  readonly holder: string;
  readonly until: Date;
}

interface ClaimBody {
  readonly holder: string;
  readonly attempt: number;
  readonly claimedAt: string;
  readonly until: string;
}

const pad = (attempt: number) => String(attempt).padStart(6, '0');

/**
 * Claims on verification runs, made atomic by S3 conditional creates instead of by running one invocation at a time.
 *
 * A run's claims are numbered objects `<store>/claims/<run id>/<attempt>.json`, never replaced or deleted. To claim,
 * an invocation lists them, and when the newest is released or past its deadline it creates the NEXT number with
 * `If-None-Match: *`. Two contenders for the same number cannot both succeed (S3 accepts one create of a key), and a
 * contender with a stale view asks for a number that already exists and fails, so at most one invocation holds a run
 * at any time, whatever the interleaving. A holder that stops short writes `<attempt>.released.json` so the next
 * invocation need not wait for the deadline; a holder that crashes is superseded after its deadline.
 */
export class RunClaims {
  constructor(
    private readonly store: EvidenceStore,
    private readonly now: () => Date,
  ) {}

  private folder(storeId: string, runId: string): string {
    return `${storeId}/claims/${runId}/`;
  }

  /** Claims the run until `until`; undefined when another invocation holds it (or won the race for it). */
  async acquire(storeId: string, runId: string, until: Date): Promise<RunClaim | undefined> {
    const folder = this.folder(storeId, runId);
    const keys = (await this.store.list(folder)).map((key) => key.slice(folder.length));
    const attempts = keys.map((key) => /^(\d{6})\.json$/.exec(key)).flatMap((match) => (match ? [Number(match[1])] : []));
    const newest = attempts.length > 0 ? Math.max(...attempts) : 0;
    if (newest > 0 && !keys.includes(`${pad(newest)}.released.json`)) {
      const text = await this.store.read(`${folder}${pad(newest)}.json`);
      const body = text ? (JSON.parse(text) as Partial<ClaimBody>) : {};
      const deadline = Date.parse(body.until ?? '');
      // An unreadable claim is treated as held until it is old enough to be anyone's: never as free.
      if (!Number.isFinite(deadline) || deadline + CLAIM_SKEW_MS > this.now().getTime()) return undefined;
    }
    const attempt = newest + 1;
    const claim: RunClaim = { storeId, runId, attempt, holder: randomUUID(), until };
    const body: ClaimBody = { holder: claim.holder, attempt, claimedAt: this.now().toISOString(), until: until.toISOString() };
    const created = await this.store.createOnce(`${folder}${pad(attempt)}.json`, JSON.stringify(body));
    return created ? claim : undefined;
  }

  /** Hands the run back before the deadline. */
  async release(claim: RunClaim): Promise<void> {
    const body = { holder: claim.holder, attempt: claim.attempt, releasedAt: this.now().toISOString() };
    await this.store.createOnce(`${this.folder(claim.storeId, claim.runId)}${pad(claim.attempt)}.released.json`, JSON.stringify(body));
  }
}
