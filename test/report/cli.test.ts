import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { planBackups } from '../../src/plan/planner';
import { serializePlan } from '../../src/plan/serialize';
import { loadRequirements } from '../../src/spec/requirements';
import { expectGolden, RECORDS, removeTemporaryDirectories, report, SPEC, temporaryDirectory, WINDOW } from './helpers';

afterAll(removeTemporaryDirectories);

const VERDICTS = [
  'analytics: NOT VERIFIED: the plan has no verification for this database; restores are never proven',
  'audit-logs: PASS: 29 days checked; 14326 objects sampled, 0 missing, 0 mismatched',
  'billing: FAIL: the last run failed (2026-11-30 04:41Z: restore ended in status incompatible-restore); no successful verification for 3d 19h 11m 24s (allowed 2d)',
  'documents: PASS with warnings: 29 days checked; 70302 objects sampled, 2 missing, 0 mismatched; 1 day with missing or mismatched replicas; 1 check run could not read the bucket',
  'ledger: PASS with warnings: 39/40 runs passed; restore max 26m 24s of 2h; data lag max 32s of 5m; 1 swept run in the window; 2 gaps without a successful verification (longest 10d 11h 59m 59s)',
  'orders: PASS with warnings: 28/29 runs passed; restore max 2h 05m of 2h; data lag max 1m 52s of 15m; 1 failed run in the window; 2 gaps without a successful verification (longest 2d 00h 01m 14s); 1 restore over the restore objective; 1 unreadable record',
];

describe('lifeboat report on the recorded fixtures', () => {
  it.each([
    ['md', 'report.md'],
    ['html', 'report.html'],
    ['json', 'report.json'],
  ])('writes the %s report (golden file), prints the verdicts and exits 1 for the failing store', async (format, golden) => {
    const out = path.join(temporaryDirectory(), `out.${format}`);
    const result = await report([SPEC, '--records', RECORDS, ...WINDOW, '-o', out]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`${VERDICTS.join('\n')}\nwrote ${out}\n`);
    expect(result.stderr).toBe(
      'lifeboat report: warning: verify-restore/orders/2026/11/20/orders-20261120T120000Z.json: outcome: must be one of succeeded, failed, swept; reason: must be a string or null\n' +
        'lifeboat report: 1 store failing: billing\n',
    );
    const text = fs.readFileSync(out, 'utf8');
    expectGolden(golden, text);
    // Nothing but the report is left in the directory (written through a temporary file).
    expect(fs.readdirSync(path.dirname(out))).toEqual([path.basename(out)]);
  });

  it('gives the same bytes on every run, and the same report from the plan file as from the requirements', async () => {
    const dir = temporaryDirectory();
    const planFile = path.join(dir, 'backup_plan.json');
    fs.writeFileSync(planFile, serializePlan(planBackups(loadRequirements(SPEC))));
    const first = await report([SPEC, '--records', RECORDS, ...WINDOW, '--format', 'html']);
    const second = await report([planFile, '--records', RECORDS, ...WINDOW, '--format', 'html']);
    expect(second.stdout).toBe(first.stdout);
    expect(first.stdout).toBe(fs.readFileSync(path.join(__dirname, 'golden', 'report.html'), 'utf8'));
  });

  it('reports one store with --store, and exits 0 when it passes with warnings', async () => {
    const orders = await report([SPEC, '--records', RECORDS, ...WINDOW, '--store', 'orders']);
    expect(orders.code).toBe(0);
    expect(orders.stdout).toContain('## orders (postgres)');
    expect(orders.stdout).not.toContain('## billing');
    expect(orders.stdout).toContain('**Overall: PASS** (1 store).');
    const billing = await report([SPEC, '--records', RECORDS, ...WINDOW, '--store', 'billing', '--format', 'json']);
    expect(billing.code).toBe(1);
    const json = JSON.parse(billing.stdout);
    expect(json.stores.map((s: { id: string }) => s.id)).toEqual(['billing']);
    expect(json.stores[0].verdict.status).toBe('fail');
    expect(json.stores[0].gaps).toEqual([{ from: '2026-11-27T04:48:36.000Z', open: true, seconds: 328284, to: '2026-12-01T00:00:00.000Z' }]);
  });

  it('narrows the window with --since (runs before it are left out)', async () => {
    const result = await report([SPEC, '--records', RECORDS, '--since', '7d', '--now', '2026-12-01T00:00:00Z', '--store', 'orders', '--format', 'json']);
    const orders = JSON.parse(result.stdout).stores[0];
    expect(orders.runs).toMatchObject({ total: 7, succeeded: 7 });
    expect(orders.series[0].time >= '2026-11-24T00:00:00.000Z').toBe(true);
    expect(orders.verdict.status).toBe('pass');
  });

  it('reads a copy of the bucket: run claims under a writer prefix are skipped, other files must be records', async () => {
    const dir = temporaryDirectory();
    fs.cpSync(RECORDS, dir, { recursive: true });
    const claims = path.join(dir, 'verify-restore', 'orders', 'claims', 'orders-20261130T120000Z');
    fs.mkdirSync(claims, { recursive: true });
    fs.writeFileSync(path.join(claims, '0001.json'), '{"holder":"x","attempt":1}');
    const baseline = await report([SPEC, '--records', RECORDS, ...WINDOW, '--format', 'json']);
    const copy = await report([SPEC, '--records', dir, ...WINDOW, '--format', 'json']);
    expect(copy.stderr).toBe(baseline.stderr);
    expect(copy.stdout.replace(`directory ${path.basename(dir)}`, 'directory records')).toBe(baseline.stdout);

    fs.writeFileSync(path.join(dir, 'notes.json'), '{"note": "not a record"}');
    const stray = await report([SPEC, '--records', dir, ...WINDOW, '--format', 'json']);
    expect(stray.stderr).toContain('lifeboat report: warning: notes.json: formatVersion: must be 1; kind: must be one of verification-run, replica-check, backup-age\n');
  });

  it('rejects bad usage with every problem at once (exit 2) and writes nothing', async () => {
    const dir = temporaryDirectory();
    const out = path.join(dir, 'r.md');
    const result = await report([SPEC, '--records', RECORDS, '--bucket', 'Bad_Bucket', '--since', '90 days', '--format', 'pdf', '--now', 'yesterday', '--metrics', 'maybe', '-o', out]);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n\n')[0].split('\n')).toEqual([
      'lifeboat: --since: invalid duration "90 days": expected a positive whole number followed by s, m, h, d or y (e.g. 90s, 5m, 1h, 35d, 7y; 1y = 365d)',
      'lifeboat: --format must be md, html or json, not "pdf"',
      'lifeboat: --now must be a UTC time like 2026-12-01T00:00:00Z, got "yesterday"',
      'lifeboat: --metrics must be auto, on or off, not "maybe"',
      'lifeboat: --records and --bucket: give one source of records, not both',
      'lifeboat: --bucket must be an S3 bucket name, not "Bad_Bucket"',
    ]);
    expect(result.stderr).toContain('Usage: lifeboat report');
    expect(fs.readdirSync(dir)).toEqual([]);

    const unknown = await report([SPEC, '--records', RECORDS, '--store', 'payments']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`--store: no store "payments" in ${SPEC} (stores: analytics, audit-logs, billing, documents, ledger, orders)`);
    expect((await report([])).code).toBe(2);
    expect((await report([SPEC, '--records', path.join(dir, 'missing')])).stderr).toBe(`lifeboat report: --records: ${path.join(dir, 'missing')} is not a directory\n`);
  });

  it('names every problem of an unreadable plan or spec', async () => {
    const dir = temporaryDirectory();
    const bad = path.join(dir, 'plan.json');
    fs.writeFileSync(bad, JSON.stringify({ planVersion: 2, stores: [{ id: 'x', kind: 'queue' }] }));
    const result = await report([bad, '--records', RECORDS]);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n').filter(Boolean)).toEqual([
      `lifeboat report: ${bad}: planVersion must be 1 (this lifeboat reads plan version 1), got 2`,
      `lifeboat report: ${bad}: name: missing`,
      `lifeboat report: ${bad}: regions.primary and regions.dr: missing`,
      `lifeboat report: ${bad}: network: missing`,
      `lifeboat report: ${bad}: stores[0].kind: must be database or bucket`,
      `lifeboat report: ${bad}: stores[0].names: missing`,
      `lifeboat report: ${bad}: stores[0].scopes: missing`,
      `lifeboat report: ${bad}: stores[0].alarms: missing`,
    ]);
    const spec = path.join(dir, 'spec.json');
    fs.writeFileSync(spec, JSON.stringify({ version: 1 }));
    const invalid = await report([spec, '--records', RECORDS]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain(`lifeboat report: ${spec}: name: required`);
  });

  it('is a lifeboat command with help', async () => {
    let stdout = '';
    const code = await main(['report', '--help'], { out: (text) => void (stdout += text), err: () => undefined });
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: lifeboat report <backup_plan.json | backup_requirements.json> [options]');
    let help = '';
    await main(['--help'], { out: (text) => void (help += text), err: () => undefined });
    expect(help).toMatch(/\n {2}report +Report the evidence of tested restores per store/);
  });
});
