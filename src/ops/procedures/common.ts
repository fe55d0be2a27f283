import type { BackupPlan, DatabaseStorePlan, FailureScope } from '../../plan/types';
import type { StackAddresses } from '../terraform';
import type { TfAddress, WaitStep, WaitCondition } from './types';

/**
 * RDS statuses after which a resource will not become available by itself: a wait that sees one fails at once
 * instead of polling until its timeout. Every other status (creating, modifying, renaming, backing-up, ...) is on the
 * way.
 */
export const FAILED_STATUSES: readonly string[] = [
  'failed',
  'incompatible-restore',
  'incompatible-network',
  'incompatible-parameters',
  'incompatible-option-group',
  'incompatible-credentials',
  'inaccessible-encryption-credentials',
  'insufficient-capacity',
  'restore-error',
  'storage-full',
  'stopped',
];

/** Seconds a wait may take before it gives up: four times the expected time, never under 6 hours. */
export function waitTimeout(expectedSeconds: number): number {
  return Math.max(6 * 3600, 4 * expectedSeconds);
}

export function waitStep(id: string, title: string, region: string, condition: WaitCondition, expectedSeconds: number): WaitStep {
  return { kind: 'wait', id, title, region, condition, expectedSeconds, timeoutSeconds: waitTimeout(expectedSeconds), pollSeconds: 30 };
}

/** The design RTO of a scope, as the expected time of the restore in it (the plan's conservative estimate). */
export function expectedSeconds(store: DatabaseStorePlan, scope: FailureScope, fallback: number): number {
  return store.scopes[scope].design?.rto.seconds ?? fallback;
}

export function address(addresses: StackAddresses | null | undefined, type: string, attribute: string, value: string): TfAddress {
  return { type, attribute, equals: value, resolved: addresses?.find(type, attribute, value) ?? null };
}

export function referencingAddress(addresses: StackAddresses | null | undefined, type: string, attribute: string, target: TfAddress, suffix: string): TfAddress {
  const resolved = target.resolved && addresses ? (addresses.referencing(type, attribute, target.resolved)[0] ?? null) : null;
  return { type, attribute, equals: { address: target, suffix }, resolved };
}

export function tags(plan: BackupPlan, store: DatabaseStorePlan | { id: string }, extra: Record<string, string>): { Key: string; Value: string }[] {
  const all: Record<string, string> = { 'lifeboat:store': store.id, 'lifeboat:stack': plan.name, ...extra };
  return Object.keys(all)
    .sort()
    .map((Key) => ({ Key, Value: all[Key] as string }));
}
