/**
 * Byte-for-byte deterministic JSON for files people read and tools compare (evidence records, the report): keys in a
 * fixed order however the object was built (the leading keys first, in their order, then the rest sorted), undefined
 * members left out, two-space indent, a final newline.
 */
export function canonicalJson(value: unknown, leadingKeys: readonly string[]): string {
  const compareKeys = (a: string, b: string): number => {
    const ia = leadingKeys.indexOf(a);
    const ib = leadingKeys.indexOf(b);
    if (ia !== -1 || ib !== -1) return (ia === -1 ? leadingKeys.length : ia) - (ib === -1 ? leadingKeys.length : ib);
    return a < b ? -1 : a > b ? 1 : 0;
  };
  const canonical = (item: unknown): unknown => {
    if (item === null || typeof item !== 'object') return item;
    if (Array.isArray(item)) return item.map(canonical);
    const record = item as Record<string, unknown>;
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(record).sort(compareKeys)) if (record[key] !== undefined) copy[key] = canonical(record[key]);
    return copy;
  };
  return `${JSON.stringify(canonical(value), null, 2)}\n`;
}
