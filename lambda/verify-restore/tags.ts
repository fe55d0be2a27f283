/**
 * Tags that carry a verification run's state on its temporary RDS resources. The handler keeps no other state: any
 * invocation can resume any run from these tags, and IAM conditions on `lifeboat:verification` confine what the
 * handler may modify or delete to resources that carry it.
 */
export const TAG = {
  /** `true` on every temporary resource; the handler and its IAM policy refuse to modify or delete anything else. */
  verification: 'lifeboat:verification',
  /** Run id: the store id and the start time, e.g. `orders-20261125T120000Z`. */
  runId: 'lifeboat:run-id',
  /** Identifier of the protected source database. */
  source: 'lifeboat:source',
  /** Store id of the source (the metric dimension). */
  store: 'lifeboat:store',
  /** ISO 8601 time the data was restored to (the source's latest restorable time when the run started). */
  targetTime: 'lifeboat:target-time',
  /** ISO 8601 time (milliseconds) the restore call was issued: the start of the measured restore time. */
  startedAt: 'lifeboat:started-at',
  /** `<claim id>/<ISO deadline>`: the invocation currently verifying the run (see VerifyRunner.acquireLease). */
  lease: 'lifeboat:lease',
  /** `succeeded` / `failed`: written once the metrics are published, so a retried invocation only deletes. */
  outcome: 'lifeboat:outcome',
} as const;

export const VERIFICATION_TAG_VALUE = 'true';

/** Tag keys the handler sets when it creates a resource (the IAM policy allows exactly these on create). */
export const CREATION_TAG_KEYS = [TAG.verification, TAG.runId, TAG.source, TAG.store, TAG.targetTime, TAG.startedAt] as const;

/** Tags as a plain map; RDS returns them as `{ Key, Value }` lists. */
export type TagMap = Readonly<Record<string, string>>;

export function tagMap(list: readonly { Key?: string; Value?: string }[] | undefined): TagMap {
  const out: Record<string, string> = {};
  for (const tag of list ?? []) if (tag.Key !== undefined) out[tag.Key] = tag.Value ?? '';
  return out;
}

export function tagList(map: TagMap): { Key: string; Value: string }[] {
  return Object.keys(map)
    .sort()
    .map((Key) => ({ Key, Value: map[Key] }));
}

/** True when the resource carries the verification tag with the exact value `true`. */
export function isVerificationTagged(tags: TagMap): boolean {
  return tags[TAG.verification] === VERIFICATION_TAG_VALUE;
}
