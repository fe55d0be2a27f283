/**
 * The plan, byte for byte: the example and the generated 200-store spec (the synth benchmark's, bench/synth.bench.ts)
 * must plan to exactly the committed files. Refactors of the planner keep these bytes; a change of what the planner
 * decides rewrites them on purpose: `LIFEBOAT_UPDATE_GOLDEN=1 npx jest test/plan/golden` (review the diff; `zcat` the .gz).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { planBackups } from '../../src/plan/planner';
import { serializePlan } from '../../src/plan/serialize';
import { parseRequirements } from '../../src/spec/requirements';
import { exampleSpec } from '../spec/fixtures';

/** 200 stores: the example's three databases and two buckets repeated under new ids (40 of each), as the synth bench builds them. */
export function spec200(): Record<string, any> {
  const example = exampleSpec();
  const databases: unknown[] = [];
  const buckets: unknown[] = [];
  for (let i = 0; i < 40; i += 1) {
    for (const db of example.databases) databases.push({ ...db, id: `${db.id}-${String(i).padStart(2, '0')}` });
    for (const bucket of example.buckets) buckets.push({ ...bucket, id: `${bucket.id}-${String(i).padStart(2, '0')}` });
  }
  return { ...example, databases, buckets };
}

/** Compares with the golden file (gzipped when its name ends in .gz: the 200-store plan is 2.4 MB of JSON). */
function expectGolden(name: string, actual: string): void {
  const file = path.join(__dirname, 'golden', name);
  const gzipped = name.endsWith('.gz');
  if (process.env.LIFEBOAT_UPDATE_GOLDEN === '1') fs.writeFileSync(file, gzipped ? zlib.gzipSync(actual, { level: 9 }) : actual);
  const expected = gzipped ? zlib.gunzipSync(fs.readFileSync(file)) : fs.readFileSync(file);
  // Bytes, not parsed JSON: key order, spacing and the trailing newline are part of the contract.
  expect(Buffer.from(actual, 'utf8').equals(expected)).toBe(true);
}

describe('plan output is byte-identical to the committed plans', () => {
  it('examples/backup_requirements.json', () => {
    expectGolden('example.plan.json', serializePlan(planBackups(parseRequirements(exampleSpec()))));
  });

  it('the generated 200-store spec', () => {
    expectGolden('stores-200.plan.json.gz', serializePlan(planBackups(parseRequirements(spec200()))));
  });
});
