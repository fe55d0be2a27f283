import type { BackupPlan } from './types';

/** Keys that lead their object, in this order, so the file reads top-down; every other key is sorted. */
const LEADING_KEYS = ['planVersion', 'kind', 'id', 'scope', 'severity', 'code', 'name', 'alarmName'];

function compareKeys(a: string, b: string): number {
  const ia = LEADING_KEYS.indexOf(a);
  const ib = LEADING_KEYS.indexOf(b);
  if (ia !== -1 || ib !== -1) return (ia === -1 ? LEADING_KEYS.length : ia) - (ib === -1 ? LEADING_KEYS.length : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The canonical order of one list of keys, and whether the list is already in it. */
interface KeyOrder {
  keys: string[];
  inOrder: boolean;
}

/**
 * Canonical key orders by key list, for one serialization: a plan repeats a few thousand object shapes hundreds of
 * thousands of times, so each list is sorted once.
 */
class KeyOrders {
  private readonly byList = new Map<string, KeyOrder>();

  of(keys: string[]): KeyOrder {
    const list = keys.join('\u0000');
    let order = this.byList.get(list);
    if (!order) {
      const sorted = [...keys].sort(compareKeys);
      order = { keys: sorted, inOrder: sorted.every((key, i) => key === keys[i]) };
      this.byList.set(list, order);
    }
    return order;
  }
}

/**
 * `value` with every object's keys in canonical order (JSON.stringify keeps insertion order). Objects and arrays
 * already in order are used as they are, not copied; `undefined` properties are left for JSON.stringify to drop.
 */
function canonical(value: unknown, orders: KeyOrders): unknown {
  if (value === null || typeof value !== 'object') return value;
  return Array.isArray(value) ? canonicalArray(value, orders) : canonicalRecord(value as Record<string, unknown>, orders);
}

function canonicalArray(items: unknown[], orders: KeyOrders): unknown[] {
  let copy: unknown[] | null = null;
  for (let i = 0; i < items.length; i++) {
    const item = canonical(items[i], orders);
    if (copy === null && item !== items[i]) copy = items.slice(0, i);
    if (copy !== null) copy.push(item);
  }
  return copy ?? items;
}

function canonicalRecord(record: Record<string, unknown>, orders: KeyOrders): Record<string, unknown> {
  const order = orders.of(Object.keys(record));
  // A plain object in order is written as it is; anything else (a toJSON, a class) is copied, as it always was.
  let changed = !order.inOrder || Object.getPrototypeOf(record) !== Object.prototype;
  const values = order.keys.map((key) => {
    const item = canonical(record[key], orders);
    if (item !== record[key]) changed = true;
    return item;
  });
  if (!changed) return record;
  const copy: Record<string, unknown> = {};
  order.keys.forEach((key, i) => {
    if (values[i] !== undefined) copy[key] = values[i];
  });
  return copy;
}

/**
 * backup_plan.json: byte-for-byte deterministic. Keys in a fixed order regardless of how the object was built,
 * stores sorted by id, two-space indentation, trailing newline, and nothing time- or machine-dependent.
 */
export function serializePlan(plan: BackupPlan): string {
  const stores = [...plan.stores].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return `${JSON.stringify(canonical({ ...plan, stores }, new KeyOrders()), null, 2)}\n`;
}
