import type { Event } from '@aws-sdk/client-rds';

/**
 * When the restored database became usable, from RDS events (DescribeEvents carries no event ids, so events are
 * recognised by category and message):
 * - instance restores: the `restoration` event (RDS-EVENT-0019 "Restored from DB instance <source> to <target>", or
 *   the equivalent for replicated automated backups), else the instance's `creation` event (RDS-EVENT-0005);
 * - cluster restores: the `creation` event of the cluster's instance (RDS-EVENT-0005 "DB instance created"): the
 *   cluster serves no connection before its first instance exists.
 * Returns undefined when RDS has not (yet) reported the event; the caller then publishes no RestoreSeconds rather
 * than a figure measured by polling.
 */
export function restoreCompletedAt(events: readonly Event[], kind: 'instance' | 'cluster'): Date | undefined {
  const dated = events.filter((event): event is Event & { Date: Date } => event.Date instanceof Date);
  const first = (match: (event: Event) => boolean): Date | undefined =>
    dated
      .filter(match)
      .map((event) => event.Date)
      .sort((a, b) => a.getTime() - b.getTime())[0];
  const has = (event: Event, category: string) => (event.EventCategories ?? []).includes(category);
  const created = first((event) => has(event, 'creation') && /created/i.test(event.Message ?? ''));
  if (kind === 'cluster') return created;
  return first((event) => has(event, 'restoration') && /restored/i.test(event.Message ?? '')) ?? created;
}
